#pragma once
// What the composition root hands to the main window: the engine side is behind function objects so the
// widgets build and are tested without a working engine.

#include "ClipFrames.h"
#include "JobRunner.h"
#include "MemoryPlanText.h"
#include "SourceFrames.h"
#include "VideoExportSettings.h"
#include "wan/Devices.h"
#include "wan/ModelFolder.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

class QSettings;

namespace wan::ui {

class InferenceBridge;
class ModelDownloads;
class PromptExtendSettingsStore;
class RenderQueueModel;
class QueueRunner;

// One part of a checked model set: the file it is read from and what that file holds.
struct ModelPartCheck
{
    QString path;   // empty: the set has no such part (CLIP of a text-to-video model) or was not readable
    QString format; // "official", "ComfyUI", "ComfyUI GGUF", "Hugging Face T5", ...
    QString dtype;  // stored precision: "BF16", "fp16", "fp8_scaled (e4m3fn)", "Q4_K", ...
    quint64 sizeBytes = 0;
};

// Result of checking a model folder.
struct FolderCheck
{
    bool ok = false;
    QString summary;     // model type, sizes, dtypes when ok
    QString problem;     // the engine's message when not ok
    QStringList missing; // file names that are missing
    wan::ModelType modelType = wan::ModelType::T2V;
    bool large = false;                     // 14B (true) or 1.3B
    std::optional<wan::DemoModelInfo> demo; // the built-in demo model (its folder holds demo.json)
    // A model set (a folder and/or single files, wan::ModelFiles): every problem, one sentence each (empty
    // when ok), the official task names it runs, and which file each part comes from.
    QStringList problems;
    QStringList tasks;
    ModelPartCheck dit, t5, vae, clip, tokenizer;
};

using FolderInspector = std::function<FolderCheck(const QString& dir)>; // called on a worker thread
// Checks a model set: `dir` may be empty when `files` names every part; empty `files` checks the folder
// alone.
using ModelSetInspector =
    std::function<FolderCheck(const QString& dir, const wan::ModelFiles& files)>; // called on a worker thread
// What one file is, told by its content (wan::identifyModelFile; headers only).
struct ModelFileCheck
{
    wan::ModelFileRole role = wan::ModelFileRole::Unknown;
    bool usable = false; // a Wan 2.1 part this engine reads in that role
    QString description; // one sentence: what the file is, or why it is none of the parts
};
using ModelFileIdentifier = std::function<ModelFileCheck(const QString& path)>; // called on a worker thread
using NegativePromptProvider = std::function<QString(wan::Task)>;
using DeviceLister = std::function<std::vector<wan::ComputeDevice>()>; // GPUs first, the CPU last
using LanguageSwitcher = std::function<void(const QString& language)>; // "" = the system's

struct StudioServices
{
    QSettings* settings = nullptr;
    // The prompt-extension settings, read once at start-up; unset (tests): the window makes one over
    // `settings` and hands it to the runner.
    PromptExtendSettingsStore* promptSettings = nullptr;
    RenderQueueModel* queue = nullptr;
    QueueRunner* runner = nullptr;
    InferenceBridge* bridge = nullptr;
    FolderInspector inspectFolder;
    ModelSetInspector inspectModelSet; // unset (tests): no "Model files…" button, the folder alone is used
    ModelFileIdentifier identifyModelFile; // sorts files dropped on the window or the model files dialog
    NegativePromptProvider negativePrompt;
    LanguageSwitcher switchLanguage;
    DeviceLister listDevices; // unset (tests): the settings offer the CPU only
    QString logFile;          // the rotating log, opened from Help
    QString demoModelFolder;  // the built-in demo model (wan::builtInDemoFolder); empty: not installed
                              // (or tests). The first start, with no folder saved, opens it.
    QString queueProblem;     // a report from restoring the queue, shown once at start
    // Decodes video files for the mask painter and the player actions; unset (tests): only PNG frames
    // and pictures are read.
    VideoFrameReader readVideoFrames;
    // Decodes a whole video for the variations' contact sheet (MediaAdapters' readVideoClip); unset (tests):
    // the sheet plays picture results only.
    ClipReader readVideoClip;
    // The settings tags of a video the app made (MediaAdapters' readVideoTags), for restoring the settings
    // of a dropped MP4; unset (tests): a dropped MP4 is read through its job folder's settings.json only.
    std::function<QJsonObject(const QString& path, QString* error)> readVideoTags;
    // Re-encodes finished videos (ExportAdapters' videoExportService) for the export dialog; unset (tests):
    // "Export as…" copies the file as it is.
    VideoExportService exportVideo;
    // Plans the form's request before Generate (EngineAdapters' planMemoryChecked); unset (tests): no plan
    // is shown.
    MemoryPlanner planMemory;
    // The model downloads (the model manager); unset (tests): the window makes one over `settings` with the
    // built-in catalogue when the manager is first opened.
    ModelDownloads* modelDownloads = nullptr;
    // The app sets it: with no model folder saved, the first start opens the first-run assistant (tests leave
    // it off, so the demo folder opens as before).
    bool offerFirstRunAssistant = false;
};

} // namespace wan::ui
