#pragma once
// "Export as…" in the UI's terms: the formats, what the user chose, and the door to the engine's exporter
// (ExportAdapters in wanui_media) as function objects, so the dialog builds and is tested without FFmpeg.

#include "wan/CancelToken.h"

#include <QJsonObject>
#include <QString>

#include <functional>
#include <vector>

namespace wan::ui {

// Mirrors wan::media::ExportFormat (the adapter maps one onto the other).
enum class ExportFormat
{
    Mp4H264 = 1,
    Mp4H265,
    WebmVp9,
    MkvFfv1,
    Gif,
    PngSequence
};

// Every format in the order the dialog lists them.
std::vector<ExportFormat> allExportFormats();

struct ExportFormatInfo
{
    QString name;          // translated, e.g. "H.264 MP4"
    QString extension;     // "mp4"; empty for a PNG sequence (a folder)
    QString fileFilter;    // translated file dialog filter; empty for a folder
    bool usesCrf = false;  // quality as a constant rate factor
    int maxCrf = 0;        // 51 for H.264/H.265, 63 for VP9
    int defaultCrf = -1;   // the codec's visually lossless default
    bool lossless = false; // the decoded frames exactly (FFV1, PNG)
    bool holdsMetadata = true;
    // H.264 and H.265 also write without loss (ExportSettings::lossless: yuv444p, x264 qp 0 / x265
    // lossless=1); the others switch to FFV1 for that.
    bool hasLosslessMode = false;
};
ExportFormatInfo exportFormatInfo(ExportFormat format);

struct ExportSettings
{
    ExportFormat format = ExportFormat::Mp4H264;
    QString target;              // a file, or a folder for a PNG sequence
    int fps = 0;                 // 0: the source's rate; another rate retimes the same frames
    int crf = -1;                // -1: the codec's default; ignored by lossless formats and GIF
    bool lossless = false;       // H.264/H.265 without loss (crf ignored); other formats: ignored
    bool includeMetadata = true; // false: no prompt, seed or settings in the export
    QJsonObject settings;        // the job's settings.json, stored as the `settings` tag when included
};

// How an export ended. `error` is a sentence for the user (ErrorText), empty when ok or cancelled.
struct ExportOutcome
{
    bool ok = false;
    bool cancelled = false;
    QString error;
};

// What an exported file holds, read back (tests, the dialog's summary).
struct ExportedVideoInfo
{
    int frameCount = 0;
    int width = 0;
    int height = 0;
    double fps = 0.0;
    QString codec;    // FFmpeg's codec name ("h264", "hevc", "vp9", "ffv1", "gif"), "png" for a sequence
    QJsonObject tags; // the settings tags; empty when it holds none
    QString error;    // empty when readable
};

// After each frame is written: `framesDone` of `frameCount`, one call per frame, the last once the target is
// complete. Called on the exporting thread.
using ExportProgressCallback = std::function<void(int framesDone, int frameCount)>;

struct VideoExportService
{
    std::function<bool(ExportFormat)> supported;
    // Runs on a worker thread; `cancel` is checked before every frame, `onProgress` (may be unset) called
    // after each.
    std::function<ExportOutcome(const QString& source, const ExportSettings& settings,
                                const wan::CancelToken* cancel, const ExportProgressCallback& onProgress)>
        run;
    explicit operator bool() const { return supported && run; }
};

// `target` with its extension replaced by `format`'s (a PNG sequence: the suffix dropped), e.g. for the
// file name proposed when the format changes.
QString exportTargetFor(const QString& target, ExportFormat format);
// A word on what other rates do without frame interpolation: "plays 1.5× as fast".
QString retimeNote(int sourceFps, int fps);

} // namespace wan::ui
