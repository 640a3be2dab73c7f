#include "StageEta.h"

#include <QFileInfo>
#include <QSettings>

#include <algorithm>
#include <cmath>

namespace wan::ui {

namespace {

constexpr double kReferencePixels = 832.0 * 480.0;
const QLatin1String kGroup("stageCosts");

// A phase that runs past its estimate keeps this much, so the ETA says "almost" rather than 0.
double floorOf(double expected)
{
    return std::max(0.5, 0.05 * expected);
}

QString modelName(const wan::Request& request)
{
    if (!request.models.dit.empty())
        return QString::fromStdString(request.models.dit.stem().string());
    const QString dir = QString::fromStdString(request.ckptDir.string());
    const QString name = QFileInfo(dir.endsWith(QLatin1Char('/')) ? dir.chopped(1) : dir).fileName();
    return name.isEmpty() ? QStringLiteral("model") : name;
}

QVariantMap toMap(const StageCosts& costs, int pixels)
{
    return {{QStringLiteral("loading"), costs.loadingSeconds},
            {QStringLiteral("encoding"), costs.encodingSeconds},
            {QStringLiteral("step"), costs.stepSecondsPerLatentFrame},
            {QStringLiteral("decoding"), costs.decodingSecondsPerLatentFrame},
            {QStringLiteral("writing"), costs.writingSeconds},
            {QStringLiteral("pixels"), pixels}};
}

} // namespace

JobShape jobShape(const wan::Request& request)
{
    JobShape shape;
    const QString device = QString::fromStdString(request.device);
    shape.gpu = device != QLatin1String("cpu");
    const QString model = modelName(request);
    shape.large = model.contains(QLatin1String("14B"), Qt::CaseInsensitive);
    shape.imageStage =
        request.task == wan::Task::I2V || request.task == wan::Task::FLF2V || request.task == wan::Task::VACE;
    const int frames = request.task == wan::Task::T2I ? 1 : std::max(1, request.frameNum);
    shape.latentFrames = (frames - 1) / 4 + 1;
    shape.steps = std::max(1, request.steps);
    shape.pixels = std::max(1, request.width * request.height);
    // '|' for '/': the key is one QSettings key, not a path of groups.
    shape.costKey = QStringLiteral("%1|%2|%3x%4")
                        .arg(device, QString(model).replace(QLatin1Char('/'), QLatin1Char('_')))
                        .arg(request.width)
                        .arg(request.height);
    return shape;
}

StageCosts defaultStageCosts(const JobShape& shape)
{
    // A 1.3B model at 832×480 on a recent desktop GPU: about 3 s a step (two DiT calls) for 21 latent
    // frames, 15 s to decode them; the 14B about ten times the step. The CPU figures are for the small
    // models people run there. The first measured job replaces all of them.
    const double scale = shape.pixels / kReferencePixels;
    StageCosts costs;
    costs.loadingSeconds = shape.large ? 90.0 : 25.0;
    costs.encodingSeconds = 4.0 + (shape.imageStage ? 6.0 : 0.0);
    costs.stepSecondsPerLatentFrame = (shape.large ? 1.5 : 0.15) * scale;
    costs.decodingSecondsPerLatentFrame = 0.7 * scale;
    costs.writingSeconds = 2.0;
    if (!shape.gpu) {
        costs.loadingSeconds *= 2.0;
        costs.encodingSeconds *= 3.0;
        costs.stepSecondsPerLatentFrame *= 30.0;
        costs.decodingSecondsPerLatentFrame *= 20.0;
    }
    return costs;
}

StageCostStore::StageCostStore(QSettings* settings) : m_settings(settings)
{
    load();
}

void StageCostStore::load()
{
    if (!m_settings)
        return;
    m_settings->beginGroup(kGroup);
    for (const QString& key : m_settings->childKeys()) {
        const QVariantMap map = m_settings->value(key).toMap();
        Entry entry;
        entry.key = key;
        entry.costs.loadingSeconds = map.value(QStringLiteral("loading")).toDouble();
        entry.costs.encodingSeconds = map.value(QStringLiteral("encoding")).toDouble();
        entry.costs.stepSecondsPerLatentFrame = map.value(QStringLiteral("step")).toDouble();
        entry.costs.decodingSecondsPerLatentFrame = map.value(QStringLiteral("decoding")).toDouble();
        entry.costs.writingSeconds = map.value(QStringLiteral("writing")).toDouble();
        entry.pixels = map.value(QStringLiteral("pixels")).toInt();
        if (entry.pixels > 0 && entry.costs.stepSecondsPerLatentFrame > 0)
            m_entries.append(entry);
    }
    m_settings->endGroup();
}

QString StageCostStore::prefixOf(const QString& key) const
{
    return key.section(QLatin1Char('|'), 0, 1);
}

bool StageCostStore::hasMeasured(const JobShape& shape) const
{
    return std::any_of(m_entries.begin(), m_entries.end(),
                       [&](const Entry& entry) { return entry.key == shape.costKey; });
}

StageCosts StageCostStore::costsFor(const JobShape& shape) const
{
    const Entry* nearest = nullptr;
    const QString prefix = prefixOf(shape.costKey);
    for (const Entry& entry : m_entries) {
        if (entry.key == shape.costKey)
            return entry.costs;
        if (prefixOf(entry.key) != prefix)
            continue;
        if (!nearest || std::abs(std::log(double(entry.pixels) / shape.pixels)) <
                            std::abs(std::log(double(nearest->pixels) / shape.pixels)))
            nearest = &entry;
    }
    if (!nearest)
        return defaultStageCosts(shape);
    // Same device and model, another size: per-frame costs scale with the pixels.
    const double scale = double(shape.pixels) / nearest->pixels;
    StageCosts costs = nearest->costs;
    costs.stepSecondsPerLatentFrame *= scale;
    costs.decodingSecondsPerLatentFrame *= scale;
    costs.writingSeconds *= scale;
    return costs;
}

void StageCostStore::remember(const JobShape& shape, const StageCosts& measured)
{
    auto it = std::find_if(m_entries.begin(), m_entries.end(),
                           [&](const Entry& entry) { return entry.key == shape.costKey; });
    if (it == m_entries.end()) {
        m_entries.append(Entry{shape.costKey, costsFor(shape), shape.pixels});
        it = m_entries.end() - 1;
    }
    const auto keep = [](double& stored, double value) {
        if (value >= 0)
            stored = value;
    };
    keep(it->costs.loadingSeconds, measured.loadingSeconds);
    keep(it->costs.encodingSeconds, measured.encodingSeconds);
    if (measured.stepSecondsPerLatentFrame > 0) // no step ran (a job finished from saved latents)
        it->costs.stepSecondsPerLatentFrame = measured.stepSecondsPerLatentFrame;
    keep(it->costs.decodingSecondsPerLatentFrame, measured.decodingSecondsPerLatentFrame);
    keep(it->costs.writingSeconds, measured.writingSeconds);
    if (m_settings) {
        m_settings->beginGroup(kGroup);
        m_settings->setValue(it->key, toMap(it->costs, it->pixels));
        m_settings->endGroup();
    }
}

StageEta::Phase StageEta::phaseOf(wan::Stage stage)
{
    switch (stage) {
    case wan::Stage::Loading:
        return Loading;
    case wan::Stage::EncodingText:
    case wan::Stage::EncodingImage:
        return Encoding;
    case wan::Stage::Denoising:
        return Denoising;
    case wan::Stage::Decoding:
        return Decoding;
    case wan::Stage::Writing:
        return Writing;
    }
    return Loading;
}

StageEta::StageEta() : StageEta(JobShape{}, defaultStageCosts(JobShape{})) {}

StageEta::StageEta(const JobShape& shape, const StageCosts& expected, bool expectLoading) : m_shape(shape)
{
    m_expected[Loading] = expectLoading ? expected.loadingSeconds : 0.0;
    m_expected[Encoding] = expected.encodingSeconds;
    m_expected[Denoising] = expected.stepSecondsPerLatentFrame * shape.latentFrames * shape.steps;
    m_expected[Decoding] = expected.decodingSecondsPerLatentFrame * shape.latentFrames;
    m_expected[Writing] = expected.writingSeconds;
    m_denoisingSteps = shape.steps;
    enterPhase(Loading, 0.0);
}

void StageEta::enterPhase(int phase, double nowSeconds)
{
    m_current = phase;
    m_stageStart = nowSeconds;
    m_lastReport = nowSeconds;
    m_stageRemainingAtReport = m_expected[std::size_t(phase)];
    m_firstStep = 0;
    m_stepsDone = 0;
    m_stepsTotal = 0;
}

void StageEta::report(const JobProgress& p, double now)
{
    if (m_finished)
        return;
    const Phase phase = phaseOf(p.stage);
    if (phase < m_current)
        return; // a late report of a phase already left
    if (phase > m_current) {
        m_took[std::size_t(m_current)] = now - m_stageStart;
        enterPhase(phase, now);
    }
    m_seen[std::size_t(phase)] = true;
    const double inStage = now - m_stageStart;
    m_lastReport = now;
    const auto i = std::size_t(m_current);
    // The prompt and the image interleave their steps: the phase goes by its remembered cost alone.
    if (m_current == Encoding || p.totalSteps <= 0) {
        m_stageRemainingAtReport = m_expected[i] - inStage;
        return;
    }
    if (m_stepsTotal == 0) {
        // Denoising reports its starting step first (0, or where a resumed job continues); the VAE's first
        // report is its first chunk done.
        m_firstStep = m_current == Denoising ? p.step : 0;
        m_stepsTotal = p.totalSteps;
        if (m_current == Denoising && p.totalSteps != m_denoisingSteps && m_denoisingSteps > 0) {
            // Fewer (draft) or more steps than the request said: the estimate follows the engine's count.
            m_expected[i] *= double(p.totalSteps) / m_denoisingSteps;
            m_denoisingSteps = p.totalSteps;
        }
        if (m_current == Denoising && p.step > 0)
            m_expected[i] *= double(p.totalSteps - p.step) / p.totalSteps; // resumed from a checkpoint
        if (m_current == Denoising)
            m_denoisedSteps = p.totalSteps - p.step;
    }
    m_stepsDone = p.step;
    m_stepsTotal = p.totalSteps;
    const int done = p.step - m_firstStep;
    if (done > 0 && inStage > 0)
        m_stageRemainingAtReport = inStage / done * (m_stepsTotal - p.step);
    else
        m_stageRemainingAtReport = m_expected[i] - inStage;
}

void StageEta::finish(double now)
{
    if (m_finished)
        return;
    m_took[std::size_t(m_current)] = now - m_stageStart;
    m_finished = true;
}

double StageEta::stageRemaining(double now) const
{
    const auto i = std::size_t(m_current);
    const double left = m_stageRemainingAtReport - (now - m_lastReport);
    // Loading that is not expected (models kept from the last job) and has not reported owes nothing.
    return std::max(left, m_expected[i] > 0 || m_seen[i] ? floorOf(m_expected[i]) : 0.0);
}

double StageEta::remainingSeconds(double now) const
{
    if (m_finished)
        return 0.0;
    double rest = stageRemaining(now);
    for (int phase = m_current + 1; phase < PhaseCount; ++phase)
        rest += m_expected[std::size_t(phase)];
    return rest;
}

double StageEta::fraction(double now) const
{
    if (m_finished)
        return 1.0;
    const double elapsed = std::max(0.0, now);
    const double total = elapsed + remainingSeconds(now);
    return total > 0 ? elapsed / total : 0.0;
}

double StageEta::expectedTotalSeconds() const
{
    double total = 0.0;
    for (double seconds : m_expected)
        total += seconds;
    return total;
}

StageCosts StageEta::measured() const
{
    const auto took = [this](Phase phase) {
        return m_seen[std::size_t(phase)] && m_took[std::size_t(phase)] >= 0 ? m_took[std::size_t(phase)]
                                                                             : -1.0;
    };
    const double frames = std::max(1, m_shape.latentFrames);
    StageCosts costs;
    costs.loadingSeconds = took(Loading);
    costs.encodingSeconds = took(Encoding);
    costs.stepSecondsPerLatentFrame =
        took(Denoising) >= 0 && m_denoisedSteps > 0 ? took(Denoising) / m_denoisedSteps / frames : -1.0;
    costs.decodingSecondsPerLatentFrame = took(Decoding) >= 0 ? took(Decoding) / frames : -1.0;
    costs.writingSeconds = took(Writing);
    return costs;
}

QList<double> jobEtaSeconds(const QList<RenderJob>& jobs, const StageCostStore& costs,
                            double runningRemaining)
{
    QList<double> etas;
    etas.reserve(jobs.size());
    bool loadingCounted = runningRemaining >= 0;
    for (const RenderJob& job : jobs) {
        if (job.state == JobState::Running) {
            etas.append(std::max(0.0, runningRemaining));
        } else if (job.state == JobState::Queued) {
            const JobShape shape = jobShape(job.request);
            const StageEta eta(shape, costs.costsFor(shape), !loadingCounted);
            loadingCounted = true;
            etas.append(eta.expectedTotalSeconds());
        } else {
            etas.append(-1.0);
        }
    }
    return etas;
}

double queueEtaSeconds(const QList<RenderJob>& jobs, const StageCostStore& costs, double runningRemaining)
{
    double total = 0.0;
    for (double seconds : jobEtaSeconds(jobs, costs, runningRemaining))
        total += std::max(0.0, seconds);
    return total;
}

} // namespace wan::ui
