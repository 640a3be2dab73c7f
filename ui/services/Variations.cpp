#include "Variations.h"

#include "ErrorText.h"
#include "RenderQueueModel.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>

namespace wan::ui {

namespace {

QString number(double value)
{
    return QLocale().toString(value, 'g', 6);
}

// The stand-in output a queued request gets only when it starts: the rules want one.
wan::Request withOutput(wan::Request request)
{
    if (request.outputPath.empty() && request.framesDir.empty() && request.latentsPath.empty())
        request.outputPath = request.task == wan::Task::T2I ? "variation.png" : "variation.mp4";
    return request;
}

template <typename T> bool hasRepeats(const QList<T>& values)
{
    for (int i = 0; i < values.size(); ++i)
        for (int j = i + 1; j < values.size(); ++j)
            if (values[i] == values[j])
                return true;
    return false;
}

} // namespace

QString variationAxisName(VariationAxis axis)
{
    switch (axis) {
    case VariationAxis::Seed:
        return QStringLiteral("seed");
    case VariationAxis::GuideScale:
        return QStringLiteral("guide_scale");
    case VariationAxis::Shift:
        return QStringLiteral("shift");
    case VariationAxis::Steps:
        return QStringLiteral("steps");
    }
    return {};
}

std::optional<VariationAxis> variationAxisFromName(const QString& name)
{
    for (VariationAxis axis :
         {VariationAxis::Seed, VariationAxis::GuideScale, VariationAxis::Shift, VariationAxis::Steps})
        if (variationAxisName(axis) == name)
            return axis;
    return std::nullopt;
}

QString variationAxisText(VariationAxis axis)
{
    switch (axis) {
    case VariationAxis::Seed:
        return QCoreApplication::translate("Variations", "Seed");
    case VariationAxis::GuideScale:
        return QCoreApplication::translate("Variations", "Guidance");
    case VariationAxis::Shift:
        return QCoreApplication::translate("Variations", "Shift");
    case VariationAxis::Steps:
        return QCoreApplication::translate("Variations", "Steps");
    }
    return {};
}

bool parseVariationValues(const QString& text, QList<double>* values, QString* error)
{
    values->clear();
    // A comma is a separator unless the locale writes decimals with it; then only ';' and spaces separate.
    const bool decimalComma = QLocale().decimalPoint() == QLatin1String(",");
    const QRegularExpression separators(decimalComma ? QStringLiteral("[;\\s]+")
                                                     : QStringLiteral("[,;\\s]+"));
    for (const QString& part : text.split(separators, Qt::SkipEmptyParts)) {
        bool ok = false;
        double value = QLocale().toDouble(part, &ok);
        if (!ok)
            value = QLocale::c().toDouble(part, &ok);
        if (!ok || !std::isfinite(value)) {
            if (error)
                *error = QCoreApplication::translate("Variations", "\"%1\" is not a number.").arg(part);
            return false;
        }
        values->append(value);
    }
    return true;
}

VariationPlan planVariations(const wan::Request& base, const VariationSpec& spec, QRandomGenerator* random)
{
    VariationPlan plan;
    VariationTag tag;
    tag.group = QUuid::createUuid();
    QList<wan::Request> requests;
    if (spec.kind == VariationSpec::Kind::Seeds) {
        if (spec.seedCount < kMinSeedVariations || spec.seedCount > kMaxVariations) {
            plan.error = QCoreApplication::translate("Variations", "Choose between %1 and %2 seeds.")
                             .arg(kMinSeedVariations)
                             .arg(kMaxVariations);
            return plan;
        }
        tag.axes = {variationAxisName(VariationAxis::Seed)};
        QRandomGenerator* generator = random ? random : QRandomGenerator::global();
        QSet<qint64> drawn;
        for (int i = 0; i < spec.seedCount; ++i) {
            wan::Request request = base;
            if (base.seed < 0) {
                qint64 seed = 0;
                do
                    seed = qint64(generator->bounded(quint64(1) << 53));
                while (drawn.contains(seed));
                drawn.insert(seed);
                request.seed = seed;
            } else {
                // Past the largest seed the count goes on from 0.
                const qint64 room = std::numeric_limits<qint64>::max() - base.seed;
                request.seed = i <= room ? base.seed + i : qint64(i) - room - 1;
            }
            requests.append(request);
        }
    } else {
        QList<double> guides = spec.guideScales, shifts = spec.shifts;
        QList<int> steps = spec.steps;
        if (guides.size() > 1)
            tag.axes.append(variationAxisName(VariationAxis::GuideScale));
        if (shifts.size() > 1)
            tag.axes.append(variationAxisName(VariationAxis::Shift));
        if (steps.size() > 1)
            tag.axes.append(variationAxisName(VariationAxis::Steps));
        if (hasRepeats(guides) || hasRepeats(shifts) || hasRepeats(steps)) {
            plan.error =
                QCoreApplication::translate("Variations", "A value is listed twice; list each value once.");
            return plan;
        }
        const qint64 cells = qint64(std::max<qsizetype>(1, guides.size())) *
                             std::max<qsizetype>(1, shifts.size()) * std::max<qsizetype>(1, steps.size());
        if (tag.axes.isEmpty()) {
            plan.error = QCoreApplication::translate("Variations",
                                                     "List two or more values for guidance, shift or steps.");
            return plan;
        }
        if (cells > kMaxVariations) {
            plan.error = QCoreApplication::translate(
                             "Variations", "%1 combinations: a grid holds at most %2. List fewer values.")
                             .arg(cells)
                             .arg(kMaxVariations);
            return plan;
        }
        if (guides.isEmpty())
            guides = {base.guideScale};
        if (shifts.isEmpty())
            shifts = {base.shift};
        if (steps.isEmpty())
            steps = {base.steps};
        for (double guide : guides)
            for (double shift : shifts)
                for (int stepCount : steps) {
                    wan::Request request = base;
                    request.guideScale = guide;
                    request.shift = shift;
                    request.steps = stepCount;
                    requests.append(request);
                }
        if (tag.axes.size() >= 2) {
            const QString innermost = tag.axes.last();
            tag.columns = int(innermost == variationAxisName(VariationAxis::Steps)   ? steps.size()
                              : innermost == variationAxisName(VariationAxis::Shift) ? shifts.size()
                                                                                     : guides.size());
        }
    }
    tag.count = int(requests.size());
    for (int i = 0; i < requests.size(); ++i) {
        VariationTag cell = tag;
        cell.index = i;
        try {
            wan::validate(withOutput(requests[i]));
        } catch (const wan::Error& e) {
            plan.error = QCoreApplication::translate("Variations", "%1: %2")
                             .arg(variationLabel(requests[i], cell), userErrorMessage(e));
            plan.reason = QString::fromStdString(e.reason());
            return plan;
        }
        plan.tags.append(cell);
    }
    plan.requests = requests;
    return plan;
}

QString variationLabel(const wan::Request& request, const VariationTag& tag)
{
    QStringList parts;
    for (const QString& name : tag.axes) {
        const auto axis = variationAxisFromName(name);
        if (!axis)
            continue;
        QString value;
        switch (*axis) {
        case VariationAxis::Seed:
            value = request.seed < 0 ? QCoreApplication::translate("Variations", "random")
                                     : QString::number(request.seed);
            break;
        case VariationAxis::GuideScale:
            value = number(request.guideScale);
            break;
        case VariationAxis::Shift:
            value = number(request.shift);
            break;
        case VariationAxis::Steps:
            value = QString::number(request.steps);
            break;
        }
        parts.append(QCoreApplication::translate("Variations", "%1 %2").arg(variationAxisText(*axis), value));
    }
    return parts.join(QStringLiteral(" · "));
}

QSize variationSheetGrid(int cells, int columns)
{
    if (cells <= 0)
        return {0, 0};
    int cols = columns > 0 ? std::min(columns, cells) : int(std::ceil(std::sqrt(double(cells)) - 1e-9));
    cols = std::max(1, cols);
    return {cols, (cells + cols - 1) / cols};
}

QList<const RenderJob*> variationGroupJobs(const QList<RenderJob>& jobs, const QUuid& group)
{
    QList<const RenderJob*> out;
    if (group.isNull())
        return out;
    for (const RenderJob& job : jobs)
        if (job.variation.group == group)
            out.append(&job);
    std::stable_sort(out.begin(), out.end(), [](const RenderJob* a, const RenderJob* b) {
        return a->variation.index < b->variation.index;
    });
    return out;
}

VariationPlan withBaseInputs(const VariationPlan& plan, const wan::Request& base)
{
    VariationPlan out = plan;
    for (wan::Request& request : out.requests) {
        wan::Request cell = base;
        cell.seed = request.seed;
        cell.guideScale = request.guideScale;
        cell.shift = request.shift;
        cell.steps = request.steps;
        request = cell;
    }
    return out;
}

QUuid variationGroupToCompare(const QList<RenderJob>& jobs, const QUuid& first, const QUuid& second)
{
    for (const QUuid& id : {first, second})
        for (const RenderJob& job : jobs)
            if (!id.isNull() && job.id == id && job.variation.isValid())
                return job.variation.group;
    const RenderJob* newest = nullptr;
    for (const RenderJob& job : jobs)
        if (job.variation.isValid() && (!newest || job.createdAt > newest->createdAt))
            newest = &job;
    return newest ? newest->variation.group : QUuid();
}

QList<RenderJob> variationJobs(const RenderJob& base, const VariationPlan& plan)
{
    QList<RenderJob> jobs;
    for (int i = 0; i < plan.requests.size() && i < plan.tags.size(); ++i) {
        RenderJob job;
        job.request = plan.requests[i];
        job.request.outputPath.clear();
        job.request.latentsPath.clear();
        job.request.resumeStatePath.clear();
        job.thumbnailPath = base.request.task == wan::Task::I2V ? base.thumbnailPath : QString();
        job.createdAt = QDateTime::currentDateTime();
        job.variation = plan.tags[i];
        jobs.append(job);
    }
    return jobs;
}

int discardOtherVariations(RenderQueueModel* queue, const QUuid& keep, const TrashFunction& moveToTrash,
                           QStringList* problems)
{
    const RenderJob* kept = queue ? queue->job(keep) : nullptr;
    if (!kept || !kept->variation.isValid())
        return 0;
    const QString keptFolder = kept->folder;
    QList<QUuid> others;
    for (const RenderJob* job : variationGroupJobs(queue->jobs(), kept->variation.group))
        if (job->id != keep && job->state != JobState::Running)
            others.append(job->id);
    int removed = 0;
    for (const QUuid& id : others) {
        const RenderJob* job = queue->job(id);
        if (!job)
            continue;
        const QString folder = job->folder;
        // Only a job folder the app made (it holds the settings.json written at the start), never the kept
        // one's.
        const bool ownFolder = !folder.isEmpty() && QFileInfo(folder).isDir() &&
                               QFileInfo(QDir(folder).filePath(QStringLiteral("settings.json"))).isFile() &&
                               QDir(folder) != QDir(keptFolder);
        if (ownFolder && !(moveToTrash ? moveToTrash(folder) : QFile::moveToTrash(folder))) {
            if (problems)
                problems->append(QCoreApplication::translate(
                                     "Variations", "Could not move %1 to the trash; that job was kept.")
                                     .arg(QDir::toNativeSeparators(folder)));
            continue;
        }
        if (queue->removeJob(id))
            ++removed;
    }
    return removed;
}

} // namespace wan::ui
