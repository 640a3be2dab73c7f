#include "GenerationWarnings.h"

#include "wan/RequestAdvice.h"

#include <QCoreApplication>
#include <QStringList>

namespace wan::ui {

namespace {
QString modelName(wan::ModelSize model)
{
    const std::string_view name = wan::enumDisplayKey(model);
    return QString::fromUtf8(name.data(), qsizetype(name.size()));
}
} // namespace

QString sizeWarning(wan::Task task, wan::ModelSize model, QSize size)
{
    if (size.isEmpty() || wan::isTrainedSize(task, model, size.width(), size.height()))
        return {};
    QStringList trained;
    for (const auto& [width, height] : wan::trainedSizes(task, model))
        trained.append(QStringLiteral("%1×%2").arg(width).arg(height));
    return QCoreApplication::translate("GenerationWarnings",
                                       "The %1 model was not trained at %2×%3 (it knows %4): the video may "
                                       "come out distorted or repeated.")
        .arg(modelName(model))
        .arg(size.width())
        .arg(size.height())
        .arg(trained.join(QStringLiteral(", ")));
}

QString frameCountWarning(wan::Task task, wan::ModelSize model, int frames)
{
    if (wan::isTrainedFrameCount(task, model, frames))
        return {};
    return QCoreApplication::translate("GenerationWarnings",
                                       "The %1 model was trained on clips of up to %2 frames: at %3 the "
                                       "motion may loop or lose coherence. Longer videos come out better "
                                       "in parts.")
        .arg(modelName(model))
        .arg(wan::trainedFrameLimit(task, model))
        .arg(frames);
}

} // namespace wan::ui
