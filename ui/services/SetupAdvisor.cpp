#include "SetupAdvisor.h"

#include "ModelDownloads.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStorageInfo>

namespace wan::ui {

// The translation context of the advisor's sentences.
class SetupAdvisor
{
    Q_DECLARE_TR_FUNCTIONS(SetupAdvisor)
};

namespace {

constexpr quint64 kGiB = 1024ull * 1024ull * 1024ull;

quint64 memTotalBytes()
{
    QFile file(QStringLiteral("/proc/meminfo"));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return 0;
    // readAll: /proc files report size 0, so atEnd() is true before the first read.
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray& line : lines) {
        if (line.startsWith("MemTotal:")) {
            const QList<QByteArray> fields = line.simplified().split(' ');
            if (fields.size() >= 2)
                return fields.at(1).toULongLong() * 1024ull; // kB
        }
    }
    return 0;
}

} // namespace

QString formatMemorySize(quint64 bytes)
{
    // Binary units, as GPU and RAM sizes are sold ("8 GB" is 8 GiB): whole numbers from 10 GB up.
    const double gib = double(bytes) / double(kGiB);
    QString number = QString::number(gib, 'f', gib >= 9.95 ? 0 : 1);
    if (number.endsWith(QLatin1String(".0")))
        number.chop(2);
    return SetupAdvisor::tr("%1 GB").arg(number);
}

quint64 approximateSetBytes(const QString& setName)
{
    // Sizes the hubs list (DiT + text encoder + VAE), rounded up; only for the disk check before resolving.
    if (setName == QLatin1String("t2v-1.3B"))
        return 17600 * 1000000ull;
    if (setName == QLatin1String("comfy-t2v-1.3B-bf16"))
        return 9900 * 1000000ull;
    if (setName == QLatin1String("gguf-t2v-14B-Q4_K_M"))
        return 17000 * 1000000ull;
    if (setName == QLatin1String("comfy-t2v-14B-fp8"))
        return 21400 * 1000000ull;
    if (setName == QLatin1String("t2v-14B"))
        return 69000 * 1000000ull;
    return 0;
}

SetupRecommendation recommendSetup(const MachineInfo& machine)
{
    SetupRecommendation r;
    const QString vram = formatMemorySize(machine.vramBytes);
    if (machine.gpuCount == 0) {
        r.setName = QStringLiteral("t2v-1.3B");
        if (machine.demoAvailable) {
            r.choice = SetupChoice::Demo;
            r.reason = SetupAdvisor::tr(
                "No NVIDIA GPU was found, so start with the built-in demo model, which makes a short "
                "clip on the processor in seconds; a real Wan model would take hours per video here.");
        } else {
            r.reason = SetupAdvisor::tr(
                "No NVIDIA GPU was found: the smallest model, text to video 1.3B, is recommended, but "
                "on the processor one video takes hours.");
        }
    } else if (machine.vramBytes < quint64(7.5 * double(kGiB))) {
        r.setName = QStringLiteral("t2v-1.3B");
        r.memory = wan::MemoryMode::OffloadT5Cpu;
        r.reason =
            SetupAdvisor::tr(
                "With %1 of GPU memory only the 1.3B model can run, with each model on the GPU only for "
                "its stage and the text encoder on the processor; keep to 480P and expect it to be tight.")
                .arg(vram);
    } else if (machine.vramBytes < quint64(11.5 * double(kGiB))) {
        r.setName = QStringLiteral("t2v-1.3B");
        r.memory = wan::MemoryMode::OffloadT5Cpu;
        r.reason =
            SetupAdvisor::tr(
                "The 1.3B model needs about 8 GB at 480P with each model on the GPU only for its stage and "
                "the text encoder on the processor, which fits the %1 of this GPU.")
                .arg(vram);
    } else if (machine.vramBytes < quint64(15.5 * double(kGiB))) {
        r.setName = QStringLiteral("t2v-1.3B");
        r.memory = wan::MemoryMode::T5Cpu;
        r.reason =
            SetupAdvisor::tr(
                "With %1 the 1.3B model's DiT and VAE stay on the GPU while the 11 GB text encoder runs on "
                "the processor, the fastest setup that fits.")
                .arg(vram);
    } else if (machine.vramBytes < quint64(23 * double(kGiB))) {
        r.setName = QStringLiteral("gguf-t2v-14B-Q4_K_M");
        r.memory = wan::MemoryMode::Offload;
        r.reason =
            SetupAdvisor::tr(
                "A 4-bit GGUF of the 14B model (about 10 GB) gives 14B quality within %1 when each model "
                "is on the GPU only for its stage.")
                .arg(vram);
    } else if (machine.vramBytes < quint64(70 * double(kGiB))) {
        r.setName = QStringLiteral("comfy-t2v-14B-fp8");
        r.memory = wan::MemoryMode::Offload;
        r.reason =
            SetupAdvisor::tr(
                "The 14B model in fp8 (about 14 GB) fits the %1 of this GPU with each model on the GPU "
                "only for its stage.")
                .arg(vram);
    } else {
        r.setName = QStringLiteral("t2v-14B");
        r.memory = wan::MemoryMode::Full;
        r.reason =
            SetupAdvisor::tr(
                "With %1 of GPU memory the official 14B model keeps every part on the GPU for the fastest "
                "runs.")
                .arg(vram);
    }
    r.downloadBytes = approximateSetBytes(r.setName);
    // 5 % spare: the parts, the state file and the file system's own overhead.
    if (r.choice == SetupChoice::Download && machine.freeDiskBytes > 0 &&
        double(machine.freeDiskBytes) < 1.05 * double(r.downloadBytes)) {
        r.diskTooSmall = true;
        r.reason += QLatin1Char(' ') +
                    SetupAdvisor::tr(
                        "Only %1 is free on the drive of the models folder but the download needs about %2: "
                        "free some space or choose another models folder.")
                        .arg(formatBytes(machine.freeDiskBytes), formatBytes(r.downloadBytes));
    }
    return r;
}

MachineInfo probeMachine(const DeviceLister& listDevices, const QString& modelsRoot, bool demoAvailable)
{
    MachineInfo machine;
    machine.demoAvailable = demoAvailable;
    if (listDevices) {
        for (const auto& device : listDevices()) {
            if (!device.isCuda())
                continue;
            if (machine.gpuCount++ == 0) {
                machine.gpuName = QString::fromStdString(device.name);
                machine.vramBytes = device.totalBytes;
            }
        }
    }
    machine.ramBytes = memTotalBytes();
    QString dir = QDir::cleanPath(modelsRoot);
    while (!dir.isEmpty() && !QFileInfo::exists(dir) && QFileInfo(dir).dir().path() != dir)
        dir = QFileInfo(dir).dir().path();
    const QStorageInfo storage(dir.isEmpty() ? QDir::homePath() : dir);
    if (storage.isValid())
        machine.freeDiskBytes = quint64(storage.bytesAvailable());
    return machine;
}

QString describeMachine(const MachineInfo& machine)
{
    QString gpu;
    if (machine.gpuCount == 0)
        gpu = SetupAdvisor::tr("no NVIDIA GPU");
    else if (machine.gpuCount == 1)
        gpu = SetupAdvisor::tr("%1 with %2").arg(machine.gpuName, formatMemorySize(machine.vramBytes));
    else
        gpu = SetupAdvisor::tr("%1 with %2 (and %3 more GPUs)")
                  .arg(machine.gpuName, formatMemorySize(machine.vramBytes))
                  .arg(machine.gpuCount - 1);
    return SetupAdvisor::tr("%1; %2 of memory; %3 free for models")
        .arg(gpu, formatMemorySize(machine.ramBytes), formatBytes(machine.freeDiskBytes));
}

QString memoryModeText(wan::MemoryMode mode)
{
    switch (mode) {
    case wan::MemoryMode::Full:
        return SetupAdvisor::tr("everything on the GPU");
    case wan::MemoryMode::T5Cpu:
        return SetupAdvisor::tr("text encoder on the processor");
    case wan::MemoryMode::Offload:
        return SetupAdvisor::tr("each model on the GPU only for its stage");
    case wan::MemoryMode::OffloadT5Cpu:
        return SetupAdvisor::tr("offload, text encoder on the processor");
    case wan::MemoryMode::Auto:
        break;
    }
    return SetupAdvisor::tr("automatic");
}

} // namespace wan::ui
