#include "ErrorText.h"

#include "wan/Request.h"

#include <QCoreApplication>

namespace wan::ui {

namespace {
bool is(const QString& reason, std::string_view code)
{
    return reason == QLatin1String(code.data(), qsizetype(code.size()));
}
} // namespace

QString errorAdvice(wan::ErrorKind kind, const QString& reason)
{
    if (is(reason, wan::reason::kLoraMissing))
        return QCoreApplication::translate(
            "ErrorText", "Add the LoRA file again in the LoRA list, or remove it from the job.");
    if (is(reason, wan::reason::kImageMissing))
        return QCoreApplication::translate("ErrorText", "Drop the input image (or both frames) on the form.");
    if (is(reason, wan::reason::kLoraMergeStreamed))
        return QCoreApplication::translate("ErrorText", "Set the LoRA mode to Automatic or On the fly.");
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
    const QString advice = errorAdvice(kind, reason);
    if (advice.isEmpty())
        return detail;
    if (detail.isEmpty())
        return advice;
    return detail + QStringLiteral("\n\n") + advice;
}

} // namespace wan::ui
