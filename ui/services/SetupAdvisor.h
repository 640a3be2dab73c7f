#pragma once
// The first-run recommendation: which model set and memory mode suit this machine, with one sentence that
// says why. Pure logic over a MachineInfo (tested with a table of machines); probeMachine() fills one in.

#include "StudioServices.h"
#include "wan/Request.h"

#include <QString>

namespace wan::ui {

struct MachineInfo
{
    QString gpuName;       // the first CUDA device; empty when there is none
    quint64 vramBytes = 0; // its memory
    int gpuCount = 0;
    quint64 ramBytes = 0;       // MemTotal
    quint64 freeDiskBytes = 0;  // on the drive of the models folder
    bool demoAvailable = false; // the built-in demo model is installed
};

enum class SetupChoice
{
    Download = 1, // download `setName`
    Demo,         // the built-in demo model (no GPU)
};

struct SetupRecommendation
{
    SetupChoice choice = SetupChoice::Download;
    QString setName; // a catalogue name; also set with Demo (the set to get later)
    wan::MemoryMode memory = wan::MemoryMode::Auto;
    quint64 downloadBytes = 0; // approximate size of setName on the hubs
    bool diskTooSmall = false; // freeDiskBytes < downloadBytes plus a margin
    QString reason;            // one sentence (two with a disk warning)
};

// The approximate size of a catalogue set on the hubs (for the disk check before it is resolved); 0 unknown.
quint64 approximateSetBytes(const QString& setName);
SetupRecommendation recommendSetup(const MachineInfo& machine);
// GPUs from `listDevices` (may be unset: no GPU), RAM from /proc/meminfo, free disk under `modelsRoot` (or
// its nearest existing parent). Slow (initialises CUDA): call it off the GUI thread.
MachineInfo probeMachine(const DeviceLister& listDevices, const QString& modelsRoot, bool demoAvailable);
// "NVIDIA RTX 4060, 8.0 GB; 32.0 GB RAM; 120.0 GB free" in the user's language.
QString describeMachine(const MachineInfo& machine);
QString memoryModeText(wan::MemoryMode mode);
// GPU and RAM sizes in binary units as they are sold: "8 GB" for 8 GiB, "7.6 GB", "24 GB".
QString formatMemorySize(quint64 bytes);

} // namespace wan::ui
