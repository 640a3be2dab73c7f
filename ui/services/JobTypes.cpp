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
    return QString::fromLatin1(wan::enumName(task));
}
std::optional<wan::Task> taskFromName(const QString& name)
{
    return wan::enumFromName<wan::Task>(name.toStdString());
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
    outcome.errorReason = QString::fromStdString(result.errorReason);
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

QJsonObject requestToJson(const wan::Request& request)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(wan::toJson(request))).object();
}

bool requestFromJson(const QJsonObject& object, wan::Request* out, QString* error)
{
    try {
        *out = wan::fromJson(QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString());
        return true;
    } catch (const wan::Error& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
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
    if (job.variation.isValid())
        o[QStringLiteral("variation")] = variationTagToJson(job.variation);
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
    job.variation = variationTagFromJson(o.value(QLatin1String("variation"))).value_or(VariationTag{});
    return job;
}

} // namespace wan::ui
