#include "MemoryPlanText.h"

#include <QCoreApplication>
#include <QLocale>
#include <QStringList>

namespace wan::ui {

namespace {

QString gigabytes(std::uint64_t bytes)
{
    return QLocale().toString(double(bytes) / double(1ull << 30), 'f', 1);
}

} // namespace

QString memoryPlanText(const wan::MemoryPlan& plan)
{
    const bool gpu = plan.devicePeakBytes > 0 || plan.device.rfind("cuda", 0) == 0;
    QStringList where;
    if (gpu) {
        if (plan.t5OnCpu)
            where << QCoreApplication::translate("MemoryPlan", "text encoder on the processor");
        if (plan.offloadModels)
            where << QCoreApplication::translate("MemoryPlan", "models moved off the GPU between stages");
        if (plan.streamDitBlocks)
            where << QCoreApplication::translate("MemoryPlan", "DiT streamed block by block");
        if (where.isEmpty())
            where << QCoreApplication::translate("MemoryPlan", "every model on the GPU");
    }
    if (plan.tileVae && plan.vaeTilePx > 0)
        where << QCoreApplication::translate("MemoryPlan", "video decoded in tiles of %1 pixels")
                     .arg(plan.vaeTilePx);
    else if (plan.tileVae)
        where << QCoreApplication::translate("MemoryPlan", "video decoded in tiles");

    QString text;
    if (gpu) {
        text = QCoreApplication::translate("MemoryPlan", "GPU %1: %2.")
                   .arg(QString::fromStdString(plan.device), where.join(QStringLiteral(", ")));
        if (plan.deviceBudgetBytes)
            text +=
                QLatin1Char(' ') +
                QCoreApplication::translate("MemoryPlan", "About %1 GB of GPU memory, of %2 GB it may use.")
                    .arg(gigabytes(plan.devicePeakBytes), gigabytes(*plan.deviceBudgetBytes));
        else if (plan.devicePeakBytes > 0)
            text += QLatin1Char(' ') + QCoreApplication::translate(
                                           "MemoryPlan", "About %1 GB of GPU memory (free memory unknown).")
                                           .arg(gigabytes(plan.devicePeakBytes));
    } else {
        text = where.isEmpty() ? QCoreApplication::translate("MemoryPlan", "Processor.")
                               : QCoreApplication::translate("MemoryPlan", "Processor: %1.")
                                     .arg(where.join(QStringLiteral(", ")));
    }
    if (plan.hostAvailableBytes > 0)
        text += QLatin1Char(' ') +
                QCoreApplication::translate("MemoryPlan", "About %1 GB of system memory, of %2 GB free.")
                    .arg(gigabytes(plan.hostPeakBytes), gigabytes(plan.hostAvailableBytes));
    else if (plan.hostPeakBytes > 0)
        text += QLatin1Char(' ') + QCoreApplication::translate("MemoryPlan", "About %1 GB of system memory.")
                                       .arg(gigabytes(plan.hostPeakBytes));
    if (!plan.refusal.empty())
        text += QLatin1Char('\n') + QCoreApplication::translate("MemoryPlan", "It would not fit: %1")
                                        .arg(QString::fromStdString(plan.refusal));
    return text;
}

} // namespace wan::ui
