#include "JobTypes.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace wan::ui {

namespace {

template <typename Enum> struct EnumName
{
    Enum value;
    const char* name;
};

constexpr EnumName<JobState> kStateNames[] = {
    {JobState::Queued, "queued"}, {JobState::Running, "running"}, {JobState::Paused, "paused"},
    {JobState::Done, "done"},     {JobState::Failed, "failed"},   {JobState::Cancelled, "cancelled"},
};
constexpr EnumName<wan::Task> kTaskNames[] = {
    {wan::Task::T2V, "t2v"},     {wan::Task::I2V, "i2v"},   {wan::Task::T2I, "t2i"},
    {wan::Task::FLF2V, "flf2v"}, {wan::Task::VACE, "vace"},
};
constexpr EnumName<wan::Solver> kSolverNames[] = {
    {wan::Solver::UniPC, "unipc"}, {wan::Solver::DpmPP, "dpm++"}, {wan::Solver::Euler, "euler"}};
constexpr EnumName<wan::Precision> kPrecisionNames[] = {{wan::Precision::Auto, "auto"},
                                                        {wan::Precision::Float32, "fp32"},
                                                        {wan::Precision::BFloat16, "bf16"},
                                                        {wan::Precision::Float16, "fp16"}};
constexpr EnumName<wan::NoiseSource> kNoiseNames[] = {{wan::NoiseSource::Cpu, "cpu"},
                                                      {wan::NoiseSource::Device, "device"}};
constexpr EnumName<wan::MemoryMode> kMemoryNames[] = {{wan::MemoryMode::Auto, "auto"},
                                                      {wan::MemoryMode::Full, "full"},
                                                      {wan::MemoryMode::T5Cpu, "t5-cpu"},
                                                      {wan::MemoryMode::Offload, "offload"}};
constexpr EnumName<wan::VaeTiling> kTilingNames[] = {
    {wan::VaeTiling::Auto, "auto"}, {wan::VaeTiling::Off, "off"}, {wan::VaeTiling::On, "on"}};
// The CLI's spellings (--lora_mode, --distill, --cache, --cache_preset).
constexpr EnumName<wan::LoraApply> kLoraApplyNames[] = {{wan::LoraApply::Auto, "auto"},
                                                        {wan::LoraApply::Merge, "merge"},
                                                        {wan::LoraApply::OnTheFly, "on_the_fly"}};
constexpr EnumName<wan::SamplerMode> kSamplerModeNames[] = {{wan::SamplerMode::Full, "full"},
                                                            {wan::SamplerMode::Distilled, "distill"}};
constexpr EnumName<wan::StepCacheMode> kStepCacheNames[] = {{wan::StepCacheMode::Off, "off"},
                                                            {wan::StepCacheMode::TeaCache, "teacache"},
                                                            {wan::StepCacheMode::MagCache, "magcache"}};
constexpr EnumName<wan::CachePreset> kCachePresetNames[] = {{wan::CachePreset::Quality, "quality"},
                                                            {wan::CachePreset::Balanced, "balanced"},
                                                            {wan::CachePreset::Fast, "fast"}};

template <typename Enum, std::size_t N> QString nameOf(const EnumName<Enum> (&table)[N], Enum value)
{
    for (const auto& entry : table)
        if (entry.value == value)
            return QString::fromLatin1(entry.name);
    return {};
}

template <typename Enum, std::size_t N>
std::optional<Enum> valueOf(const EnumName<Enum> (&table)[N], const QString& name)
{
    for (const auto& entry : table)
        if (name == QLatin1String(entry.name))
            return entry.value;
    return std::nullopt;
}

QString pathString(const std::filesystem::path& path)
{
    return QString::fromStdString(path.string());
}
std::filesystem::path toPath(const QString& text)
{
    return std::filesystem::path(text.toStdString());
}

} // namespace

QString jobStateName(JobState state)
{
    return nameOf(kStateNames, state);
}
std::optional<JobState> jobStateFromName(const QString& name)
{
    return valueOf(kStateNames, name);
}

QString jobStateText(JobState state)
{
    switch (state) {
    case JobState::Queued:
        return QCoreApplication::translate("JobState", "Queued");
    case JobState::Running:
        return QCoreApplication::translate("JobState", "Running");
    case JobState::Paused:
        return QCoreApplication::translate("JobState", "Paused");
    case JobState::Done:
        return QCoreApplication::translate("JobState", "Done");
    case JobState::Failed:
        return QCoreApplication::translate("JobState", "Failed");
    case JobState::Cancelled:
        return QCoreApplication::translate("JobState", "Cancelled");
    }
    return {};
}

bool isPending(JobState state)
{
    return state == JobState::Queued || state == JobState::Paused;
}
bool isTerminal(JobState state)
{
    return state == JobState::Done || state == JobState::Failed || state == JobState::Cancelled;
}

QString taskName(wan::Task task)
{
    return nameOf(kTaskNames, task);
}
std::optional<wan::Task> taskFromName(const QString& name)
{
    return valueOf(kTaskNames, name);
}
QString taskText(wan::Task task)
{
    switch (task) {
    case wan::Task::T2V:
        return QCoreApplication::translate("Task", "Text to video");
    case wan::Task::I2V:
        return QCoreApplication::translate("Task", "Image to video");
    case wan::Task::T2I:
        return QCoreApplication::translate("Task", "Text to image");
    case wan::Task::FLF2V:
        return QCoreApplication::translate("Task", "First & last frame to video");
    case wan::Task::VACE:
        return QCoreApplication::translate("Task", "Video editing (VACE)");
    }
    return {};
}

JobOutcome outcomeFromResult(const wan::Result& result)
{
    JobOutcome outcome;
    outcome.status = result.status;
    outcome.errorKind = result.errorKind;
    outcome.error = QString::fromStdString(result.error);
    outcome.seed = result.seed;
    outcome.width = result.width;
    outcome.height = result.height;
    outcome.frames = result.frames;
    outcome.outputPath = pathString(result.outputPath);
    outcome.latentsPath = pathString(result.latentsPath);
    outcome.seconds = result.seconds;
    outcome.placement = QString::fromStdString(result.placement);
    outcome.ditCalls = result.ditCalls;
    outcome.cachedCalls = result.cachedCalls;
    outcome.stepsSkipped = result.stepsSkipped;
    return outcome;
}

namespace {

// LoRAs, sampler mode and step cache; absent keys keep the defaults. False on an unknown name.
bool speedOptionsFromJson(const QJsonObject& o, wan::Request& r)
{
    for (const QJsonValue& value : o.value(QLatin1String("loras")).toArray()) {
        const auto lora = value.toObject();
        const auto path = lora.value(QLatin1String("path")).toString();
        if (path.isEmpty())
            return false;
        r.loras.push_back(wan::LoraSpec{toPath(path), lora.value(QLatin1String("strength")).toDouble(1.0)});
    }
    const auto pick = [&](const char* key, const auto& table, auto& field) {
        if (!o.contains(QLatin1String(key)))
            return true;
        const auto value = valueOf(table, o.value(QLatin1String(key)).toString());
        if (value)
            field = *value;
        return value.has_value();
    };
    if (!pick("lora_mode", kLoraApplyNames, r.loraApply) ||
        !pick("sampler_mode", kSamplerModeNames, r.samplerMode) ||
        !pick("cache", kStepCacheNames, r.stepCache) ||
        !pick("cache_preset", kCachePresetNames, r.cachePreset))
        return false;
    if (o.contains(QLatin1String("cache_threshold")))
        r.cacheThreshold = o.value(QLatin1String("cache_threshold")).toDouble();
    return true;
}

} // namespace

QJsonObject requestToJson(const wan::Request& r)
{
    QJsonObject o;
    o[QStringLiteral("task")] = taskName(r.task);
    o[QStringLiteral("ckpt_dir")] = pathString(r.ckptDir);
    o[QStringLiteral("prompt")] = QString::fromStdString(r.prompt);
    if (!r.originalPrompt.empty())
        o[QStringLiteral("original_prompt")] = QString::fromStdString(r.originalPrompt);
    if (r.negativePrompt)
        o[QStringLiteral("negative_prompt")] = QString::fromStdString(*r.negativePrompt);
    o[QStringLiteral("width")] = r.width;
    o[QStringLiteral("height")] = r.height;
    o[QStringLiteral("frame_num")] = r.frameNum;
    o[QStringLiteral("seed")] = QString::number(r.seed); // 64-bit: a JSON double would round it
    o[QStringLiteral("solver")] = nameOf(kSolverNames, r.solver);
    o[QStringLiteral("steps")] = r.steps;
    o[QStringLiteral("shift")] = r.shift;
    o[QStringLiteral("guide_scale")] = r.guideScale;
    if (!r.image.empty())
        o[QStringLiteral("image")] = pathString(r.image);
    if (!r.firstFrame.empty())
        o[QStringLiteral("first_frame")] = pathString(r.firstFrame);
    if (!r.lastFrame.empty())
        o[QStringLiteral("last_frame")] = pathString(r.lastFrame);
    if (!r.srcVideo.empty())
        o[QStringLiteral("src_video")] = pathString(r.srcVideo);
    if (!r.srcMask.empty())
        o[QStringLiteral("src_mask")] = pathString(r.srcMask);
    if (!r.srcRefImages.empty()) {
        QJsonArray refs;
        for (const auto& ref : r.srcRefImages)
            refs.append(pathString(ref));
        o[QStringLiteral("src_ref_images")] = refs;
    }
    if (r.task == wan::Task::VACE)
        o[QStringLiteral("context_scale")] = r.contextScale;
    o[QStringLiteral("device")] = QString::fromStdString(r.device);
    o[QStringLiteral("precision")] = nameOf(kPrecisionNames, r.precision);
    o[QStringLiteral("noise")] = nameOf(kNoiseNames, r.noise);
    o[QStringLiteral("memory")] = nameOf(kMemoryNames, r.memory);
    o[QStringLiteral("offload_model")] = r.offloadModel;
    o[QStringLiteral("t5_cpu")] = r.t5Cpu;
    o[QStringLiteral("vae_tiling")] = nameOf(kTilingNames, r.vaeTiling);
    o[QStringLiteral("output")] = pathString(r.outputPath);
    o[QStringLiteral("latents")] = pathString(r.latentsPath);
    if (!r.resumeStatePath.empty())
        o[QStringLiteral("resume_state")] = pathString(r.resumeStatePath);
    o[QStringLiteral("fps")] = r.fps;
    o[QStringLiteral("crf")] = r.crf;
    if (!r.loras.empty()) {
        QJsonArray loras;
        for (const auto& lora : r.loras)
            loras.append(QJsonObject{{QStringLiteral("path"), pathString(lora.path)},
                                     {QStringLiteral("strength"), lora.strength}});
        o[QStringLiteral("loras")] = loras;
        o[QStringLiteral("lora_mode")] = nameOf(kLoraApplyNames, r.loraApply);
    }
    o[QStringLiteral("sampler_mode")] = nameOf(kSamplerModeNames, r.samplerMode);
    o[QStringLiteral("cache")] = nameOf(kStepCacheNames, r.stepCache);
    o[QStringLiteral("cache_preset")] = nameOf(kCachePresetNames, r.cachePreset);
    if (r.cacheThreshold)
        o[QStringLiteral("cache_threshold")] = *r.cacheThreshold;
    return o;
}

bool requestFromJson(const QJsonObject& o, wan::Request* out)
{
    wan::Request r;
    const auto text = [&](const char* key) { return o.value(QLatin1String(key)).toString(); };
    const auto integer = [&](const char* key, int fallback) {
        return o.value(QLatin1String(key)).toInt(fallback);
    };
    const auto number = [&](const char* key, double fallback) {
        return o.value(QLatin1String(key)).toDouble(fallback);
    };
    const auto task = taskFromName(text("task"));
    if (!task)
        return false;
    r.task = *task;
    r.ckptDir = toPath(text("ckpt_dir"));
    r.prompt = text("prompt").toStdString();
    r.originalPrompt = text("original_prompt").toStdString();
    if (o.contains(QLatin1String("negative_prompt")))
        r.negativePrompt = text("negative_prompt").toStdString();
    r.width = integer("width", r.width);
    r.height = integer("height", r.height);
    r.frameNum = integer("frame_num", r.frameNum);
    bool ok = true;
    if (o.contains(QLatin1String("seed")))
        r.seed = text("seed").toLongLong(&ok);
    if (!ok)
        return false;
    if (o.contains(QLatin1String("solver"))) {
        const auto solver = valueOf(kSolverNames, text("solver"));
        if (!solver)
            return false;
        r.solver = *solver;
    }
    r.steps = integer("steps", r.steps);
    r.shift = number("shift", r.shift);
    r.guideScale = number("guide_scale", r.guideScale);
    r.image = toPath(text("image"));
    r.firstFrame = toPath(text("first_frame"));
    r.lastFrame = toPath(text("last_frame"));
    r.srcVideo = toPath(text("src_video"));
    r.srcMask = toPath(text("src_mask"));
    for (const QJsonValue& ref : o.value(QLatin1String("src_ref_images")).toArray())
        r.srcRefImages.push_back(toPath(ref.toString()));
    r.contextScale = number("context_scale", r.contextScale);
    if (o.contains(QLatin1String("device")))
        r.device = text("device").toStdString();
    if (o.contains(QLatin1String("precision"))) {
        const auto value = valueOf(kPrecisionNames, text("precision"));
        if (!value)
            return false;
        r.precision = *value;
    }
    if (o.contains(QLatin1String("noise"))) {
        const auto value = valueOf(kNoiseNames, text("noise"));
        if (!value)
            return false;
        r.noise = *value;
    }
    if (o.contains(QLatin1String("memory"))) {
        const auto value = valueOf(kMemoryNames, text("memory"));
        if (!value)
            return false;
        r.memory = *value;
    }
    r.offloadModel = o.value(QLatin1String("offload_model")).toBool(false);
    r.t5Cpu = o.value(QLatin1String("t5_cpu")).toBool(false);
    if (o.contains(QLatin1String("vae_tiling"))) {
        const auto value = valueOf(kTilingNames, text("vae_tiling"));
        if (!value)
            return false;
        r.vaeTiling = *value;
    }
    r.outputPath = toPath(text("output"));
    r.latentsPath = toPath(text("latents"));
    r.resumeStatePath = toPath(text("resume_state"));
    r.fps = integer("fps", r.fps);
    r.crf = integer("crf", r.crf);
    if (!speedOptionsFromJson(o, r))
        return false;
    *out = std::move(r);
    return true;
}

void clearJobCheckpoint(RenderJob& job)
{
    if (!job.request.resumeStatePath.empty())
        QFile::remove(pathString(job.request.resumeStatePath));
    job.request.resumeStatePath.clear();
    job.resumeLatents.clear();
}

std::optional<RenderJob> promotedToFinal(const RenderJob& draft)
{
    if (draft.state != JobState::Done || draft.request.samplerMode != wan::SamplerMode::Distilled)
        return std::nullopt;
    RenderJob job;
    job.id = QUuid::createUuid();
    job.request = draft.request;
    if (job.request.seed < 0) {
        QFile file(QDir(draft.folder).filePath(QStringLiteral("settings.json")));
        wan::Request used;
        if (draft.folder.isEmpty() || !file.open(QIODevice::ReadOnly) ||
            !requestFromJson(QJsonDocument::fromJson(file.readAll()).object(), &used) || used.seed < 0)
            return std::nullopt;
        job.request.seed = used.seed;
    }
    job.request.samplerMode = wan::SamplerMode::Full;
    job.request.outputPath.clear();
    job.request.latentsPath.clear();
    job.request.resumeStatePath.clear();
    job.thumbnailPath = draft.thumbnailPath;
    job.createdAt = QDateTime::currentDateTime();
    return job;
}

QJsonObject jobToJson(const RenderJob& job)
{
    QJsonObject o;
    o[QStringLiteral("id")] = job.id.toString(QUuid::WithoutBraces);
    o[QStringLiteral("request")] = requestToJson(job.request);
    o[QStringLiteral("state")] = jobStateName(job.state);
    o[QStringLiteral("progress")] = job.progress;
    o[QStringLiteral("error")] = job.error;
    o[QStringLiteral("folder")] = job.folder;
    o[QStringLiteral("output")] = job.outputPath;
    o[QStringLiteral("latents")] = job.latentsPath;
    o[QStringLiteral("thumbnail")] = job.thumbnailPath;
    o[QStringLiteral("resume_latents")] = job.resumeLatents;
    o[QStringLiteral("created")] = job.createdAt.toString(Qt::ISODateWithMs);
    o[QStringLiteral("finished")] = job.finishedAt.toString(Qt::ISODateWithMs);
    o[QStringLiteral("seconds")] = job.seconds;
    return o;
}

std::optional<RenderJob> jobFromJson(const QJsonObject& o)
{
    RenderJob job;
    job.id = QUuid::fromString(o.value(QLatin1String("id")).toString());
    const auto state = jobStateFromName(o.value(QLatin1String("state")).toString());
    if (job.id.isNull() || !state || !o.value(QLatin1String("request")).isObject())
        return std::nullopt;
    if (!requestFromJson(o.value(QLatin1String("request")).toObject(), &job.request))
        return std::nullopt;
    job.state = *state;
    job.progress = o.value(QLatin1String("progress")).toDouble();
    job.error = o.value(QLatin1String("error")).toString();
    job.folder = o.value(QLatin1String("folder")).toString();
    job.outputPath = o.value(QLatin1String("output")).toString();
    job.latentsPath = o.value(QLatin1String("latents")).toString();
    job.thumbnailPath = o.value(QLatin1String("thumbnail")).toString();
    job.resumeLatents = o.value(QLatin1String("resume_latents")).toString();
    job.createdAt = QDateTime::fromString(o.value(QLatin1String("created")).toString(), Qt::ISODateWithMs);
    job.finishedAt = QDateTime::fromString(o.value(QLatin1String("finished")).toString(), Qt::ISODateWithMs);
    job.seconds = o.value(QLatin1String("seconds")).toDouble();
    return job;
}

} // namespace wan::ui
