#include "ErrorText.h"

#include "wan/Request.h"

#include <QCoreApplication>
#include <QStringList>

namespace wan::ui {

namespace {
bool is(const QString& reason, std::string_view code)
{
    return reason == QLatin1String(code.data(), qsizetype(code.size()));
}
} // namespace

QString errorHeadline(wan::ErrorKind kind)
{
    switch (kind) {
    case wan::ErrorKind::InvalidArgument:
        return QCoreApplication::translate("ErrorText", "The job's settings are not valid.");
    case wan::ErrorKind::ModelFolder:
        return QCoreApplication::translate("ErrorText", "The model is incomplete or not a Wan2.1 model.");
    case wan::ErrorKind::CorruptFile:
        return QCoreApplication::translate("ErrorText", "A model file is damaged.");
    case wan::ErrorKind::Io:
        return QCoreApplication::translate("ErrorText", "A file could not be read or written.");
    case wan::ErrorKind::Image:
        return QCoreApplication::translate("ErrorText", "The input image cannot be used.");
    case wan::ErrorKind::OutOfMemory:
        return QCoreApplication::translate("ErrorText", "There is not enough memory for this job.");
    case wan::ErrorKind::Cancelled:
        return QCoreApplication::translate("ErrorText", "The job was cancelled.");
    case wan::ErrorKind::Network:
        return QCoreApplication::translate("ErrorText", "The network request failed.");
    case wan::ErrorKind::Internal:
        return QCoreApplication::translate("ErrorText", "Something went wrong inside the engine.");
    }
    return QCoreApplication::translate("ErrorText", "The job failed.");
}

QString reasonText(const QString& reason)
{
    namespace r = wan::reason;
    // The sources are marked for lupdate where they stand; translated here.
    const auto text = [](const char* source) { return QCoreApplication::translate("ErrorText", source); };
    if (is(reason, r::kSteps))
        return text(QT_TRANSLATE_NOOP("ErrorText", "The number of steps must be between 1 and 1000."));
    if (is(reason, r::kShift))
        return text(QT_TRANSLATE_NOOP("ErrorText", "The shift must be a positive number."));
    if (is(reason, r::kGuideScale))
        return text(QT_TRANSLATE_NOOP("ErrorText", "The guidance must be a finite number."));
    if (is(reason, r::kSeed))
        return text(QT_TRANSLATE_NOOP("ErrorText", "The seed must be 0 or more, or random."));
    if (is(reason, r::kLora))
        return text(QT_TRANSLATE_NOOP("ErrorText", "Each LoRA needs a file and a finite strength."));
    if (is(reason, r::kLoraMissing))
        return text(QT_TRANSLATE_NOOP("ErrorText", "A LoRA file of this job does not exist."));
    if (is(reason, r::kCacheThreshold))
        return text(QT_TRANSLATE_NOOP("ErrorText", "The step cache threshold must be a finite number."));
    if (is(reason, r::kVramBudget))
        return text(
            QT_TRANSLATE_NOOP("ErrorText", "The GPU memory budget must be between 0.5 and 4096 GiB."));
    if (is(reason, r::kSize))
        return text(QT_TRANSLATE_NOOP(
            "ErrorText", "The size is out of range: each side must be between 1 and 8192 pixels."));
    if (is(reason, r::kSizeMultiple))
        return text(QT_TRANSLATE_NOOP("ErrorText", "Width and height must be multiples of 16."));
    if (is(reason, r::kArea))
        return text(QT_TRANSLATE_NOOP("ErrorText", "The size is too small for this task."));
    if (is(reason, r::kFrameCount))
        return text(QT_TRANSLATE_NOOP(
            "ErrorText", "The frame count does not fit: videos take 4n+1 frames (5, 9, …, 81), images one."));
    if (is(reason, r::kFrameLimit))
        return text(QT_TRANSLATE_NOOP(
                        "ErrorText",
                        "There are more frames than the maximum of %1: make longer videos in parts."))
            .arg(wan::kMaxFrames);
    if (is(reason, r::kNoOutput))
        return text(QT_TRANSLATE_NOOP("ErrorText", "The job has no file or folder to write its result to."));
    if (is(reason, r::kInputNotForTask))
        return text(
            QT_TRANSLATE_NOOP("ErrorText", "The job holds an input file that its task does not take."));
    if (is(reason, r::kContextScale))
        return text(QT_TRANSLATE_NOOP("ErrorText", "The VACE context scale must be a finite number."));
    if (is(reason, r::kImageMissing))
        return text(QT_TRANSLATE_NOOP("ErrorText", "An input image is missing."));
    if (is(reason, r::kImageCrop))
        return text(QT_TRANSLATE_NOOP(
            "ErrorText", "The chosen part of the input image does not fit in it: frame the image again."));
    if (is(reason, r::kFramesMissing))
        return text(QT_TRANSLATE_NOOP("ErrorText", "First & last frame to video needs at least 5 frames."));
    if (is(reason, r::kPngFrames))
        return text(QT_TRANSLATE_NOOP("ErrorText", "A PNG holds one frame: save videos as MP4."));
    if (is(reason, r::kFps))
        return text(QT_TRANSLATE_NOOP("ErrorText", "The frame rate must be between 1 and 240 fps."));
    if (is(reason, r::kLoraMergeStreamed))
        return text(QT_TRANSLATE_NOOP(
            "ErrorText", "LoRAs cannot be merged into a model that is streamed block by block."));
    if (is(reason, r::kJsonSyntax))
        return text(QT_TRANSLATE_NOOP("ErrorText", "The settings file is not valid JSON."));
    if (is(reason, r::kJsonKey))
        return text(
            QT_TRANSLATE_NOOP("ErrorText", "The settings file holds a key this version does not know."));
    if (is(reason, r::kJsonValue))
        return text(QT_TRANSLATE_NOOP("ErrorText", "The settings file holds a value that is not valid."));
    if (is(reason, r::kJsonVersion))
        return text(QT_TRANSLATE_NOOP("ErrorText",
                                      "The settings file was written by a newer version of Wan Studio."));
    return {};
}

QString errorAdvice(wan::ErrorKind kind, const QString& reason)
{
    if (is(reason, wan::reason::kLoraMissing))
        return QCoreApplication::translate(
            "ErrorText", "Add the LoRA file again in the LoRA list, or remove it from the job.");
    if (is(reason, wan::reason::kImageMissing))
        return QCoreApplication::translate("ErrorText", "Drop the input image (or both frames) on the form.");
    if (is(reason, wan::reason::kLoraMergeStreamed))
        return QCoreApplication::translate("ErrorText", "Set the LoRA mode to Automatic or On the fly.");
    // The reason's sentence says what to change; the kind's advice would repeat it less precisely.
    if (kind == wan::ErrorKind::InvalidArgument && !reasonText(reason).isEmpty())
        return {};
    switch (kind) {
    case wan::ErrorKind::ModelFolder:
        return QCoreApplication::translate(
            "ErrorText",
            "Choose the folder of an official Wan2.1 model (for example Wan-AI/Wan2.1-T2V-1.3B from Hugging "
            "Face or ModelScope) that contains every file listed under the model folder field.");
    case wan::ErrorKind::CorruptFile:
        return QCoreApplication::translate(
            "ErrorText",
            "A model file is damaged or incomplete, usually from an interrupted download. Download that file "
            "again.");
    case wan::ErrorKind::Io:
        return QCoreApplication::translate(
            "ErrorText",
            "Check that the output folder exists, is writable and that the disk is not full (Settings → "
            "Output folder).");
    case wan::ErrorKind::Image:
        return QCoreApplication::translate(
            "ErrorText",
            "Use another input image (PNG, JPEG, WebP or BMP) or save it again with an image editor.");
    case wan::ErrorKind::OutOfMemory:
        return QCoreApplication::translate(
            "ErrorText",
            "Not enough memory. Try a smaller size, fewer frames, the memory mode “Offload” or “T5 on CPU”, "
            "or close other programs.");
    case wan::ErrorKind::InvalidArgument:
        return QCoreApplication::translate(
            "ErrorText",
            "Check the generation settings: sizes must be multiples of 16 and frame counts 4n+1.");
    case wan::ErrorKind::Network:
        return QCoreApplication::translate("ErrorText",
                                           "Check the network connection or turn prompt extension off.");
    case wan::ErrorKind::Cancelled:
        return {};
    case wan::ErrorKind::Internal:
        return QCoreApplication::translate(
            "ErrorText",
            "This is a bug. The log (Help → Open log) has the details; please include it in a report.");
    }
    return {};
}

QString userErrorMessage(wan::ErrorKind kind, const QString& detail, const QString& reason)
{
    const QString headline = reasonText(reason);
    QStringList parts{headline.isEmpty() ? errorHeadline(kind) : headline};
    if (const QString advice = errorAdvice(kind, reason); !advice.isEmpty())
        parts.append(advice);
    if (!detail.isEmpty())
        parts.append(QCoreApplication::translate("ErrorText", "Details: %1").arg(detail));
    return parts.join(QStringLiteral("\n\n"));
}

QString userErrorMessage(const wan::Error& error)
{
    return userErrorMessage(error.kind(), QString::fromStdString(error.what()),
                            QString::fromStdString(error.reason()));
}

} // namespace wan::ui
