#pragma once
// The UI's door to the engine's exporter (wan::media::exportVideo; FFmpeg, no torch), in wanui_media.

#include "VideoExportSettings.h"

namespace wan::ui {

// Whether this build can write `format` (its encoder is present; PNG sequences always).
bool exportFormatSupported(ExportFormat format);
// Re-encodes `source` as `settings` ask; the original is only read, the target appears only when complete.
// Engine errors come back through ErrorText as one sentence for the user.
ExportOutcome exportVideoFile(const QString& source, const ExportSettings& settings,
                              const wan::CancelToken* cancel, const ExportProgressCallback& onProgress = {});
// Reads an export back: a video file, or a PNG sequence's folder.
ExportedVideoInfo readExportedVideo(const QString& path);
// Both export functions together, for StudioServices.
VideoExportService videoExportService();

} // namespace wan::ui
