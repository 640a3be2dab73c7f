#pragma once
// Plain values that describe a render job; these are what crosses from the inference thread to the UI.

#include "VariationTag.h"
#include "wan/Pipeline.h"

#include <QDateTime>
#include <QImage>
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QUuid>

#include <atomic>
#include <memory>

namespace wan::ui {

enum class JobState
{
    Queued = 1,
    Running,
    Paused,
    Done,
    Failed,
    Cancelled
};

QString jobStateName(JobState state); // stable, for JSON
std::optional<JobState> jobStateFromName(const QString& name);
QString jobStateText(JobState state); // translated, for the UI
bool isPending(JobState state);       // Queued or Paused: may be edited, reordered, started
bool isTerminal(JobState state);      // Done, Failed or Cancelled

// One progress report of the running job.
struct JobProgress
{
    wan::Stage stage = wan::Stage::Loading;
    int step = 0;
    int totalSteps = 0;
    double secondsPerStep = 0.0;
    double etaSeconds = 0.0;
};

// How a job ended: exactly one per job.
struct JobOutcome
{
    wan::JobStatus status = wan::JobStatus::Failed;
    wan::ErrorKind errorKind = wan::ErrorKind::Internal;
    QString errorReason; // wan::reason code of the failure, when the engine gave one
    QString error;
    qint64 seed = 0;
    int width = 0;
    int height = 0;
    int frames = 0;
    QString outputPath;
    QString latentsPath;
    double seconds = 0.0;
    QString placement;
    int ditCalls = 0;     // DiT calls that ran the blocks
    int cachedCalls = 0;  // DiT calls answered by the step cache
    int stepsSkipped = 0; // denoising steps fully answered by the step cache
};

JobOutcome outcomeFromResult(const wan::Result& result);

// What the UI hands to the inference thread.
struct JobTicket
{
    QUuid id;
    wan::Request request;
    QString resumeLatents; // non-empty: decode these saved latents instead of sampling
    // Set (from the UI thread) before cancelling the job to pause it: the inference thread then also drops
    // the models, freeing their memory, once the job has stopped.
    std::shared_ptr<std::atomic<bool>> releaseModelsAfter;
};

// A row of the render queue (also its persisted form).
struct RenderJob
{
    QUuid id;
    wan::Request request;
    JobState state = JobState::Queued;
    double progress = 0.0; // 0..1
    double etaSeconds = -1.0;
    QString error;
    QString folder; // job folder: video, latents, settings.json, log
    QString outputPath;
    QString latentsPath;
    QString thumbnailPath; // first preview or input image
    QString resumeLatents; // latents to finish from after a crash during decode
    QDateTime createdAt;
    QDateTime finishedAt;
    double seconds = 0.0;
    VariationTag variation; // the group of variations it belongs to, if any
};

// The denoising checkpoint of a job (Request::resumeStatePath) lives in its folder under this name.
inline constexpr const char* kJobCheckpointName = "resume.safetensors";
// Deletes the job's checkpoint file and forgets it (and its saved latents to resume from): the job runs
// from the start next time. Used on edit, retry, duplicate and a user's Cancel.
void clearJobCheckpoint(RenderJob& job);

// The core's JSON form (wan::toJson / wan::fromJson) as a QJsonObject. Missing keys keep the Request
// defaults; unknown names or keys are errors (false, with the reason in `error` when given).
QJsonObject requestToJson(const wan::Request& request);
bool requestFromJson(const QJsonObject& object, wan::Request* request, QString* error = nullptr);

// "Promote to final": a finished Draft (distilled) job's exact settings and seed as a new Final job (the full
// sampler with the job's steps, shift and guidance). The seed comes from the job, or from its folder's
// settings.json when the job asked for a random one. nullopt for other jobs or when the seed is unknown.
std::optional<RenderJob> promotedToFinal(const RenderJob& draft);

QJsonObject jobToJson(const RenderJob& job);
std::optional<RenderJob> jobFromJson(const QJsonObject& object);

QString taskName(wan::Task task); // stable: "t2v", "i2v", "t2i"
std::optional<wan::Task> taskFromName(const QString& name);
QString taskText(wan::Task task); // translated

} // namespace wan::ui

Q_DECLARE_METATYPE(wan::ui::JobProgress)
Q_DECLARE_METATYPE(wan::ui::JobOutcome)
Q_DECLARE_METATYPE(wan::ui::JobTicket)
