#pragma once
// The rules of the official models that the settings panel enforces (sizes, frame counts, defaults).

#include "wan/Request.h"

#include <QDateTime>
#include <QList>
#include <QSize>
#include <QString>

namespace wan::ui {

using wan::ModelSize; // 1.3B, 14B

constexpr int kFps = wan::kOfficialFps;
using wan::kSizeMultiple;   // VAE stride 8 x patch 2
using wan::kTextTokenLimit; // umT5 context length of the official models

// Official sizes for a task and model ("1280x720" etc.), landscape first.
QList<QSize> sizePresets(wan::Task task, ModelSize model);
bool isValidCustomSize(QSize size);
bool isValidFrameCount(int frames); // 4n+1
int nearestValidFrameCount(int frames);
double durationSeconds(int frames, int fps = kFps);

// The core's official defaults (wan::defaultRequest) at 832*480, the size the form starts with.
wan::Request defaultRequest(wan::Task task);
double defaultShift(wan::Task task, QSize size);

// The i2v output size for an input image (or its crop rectangle) and a max area: the core's rule
// (wan::imageToVideoSize, the engine's own geometry). Empty for an empty image or area.
QSize i2vOutputSize(QSize image, int maxArea);

// A cheap estimate of umT5 tokens (no tokenizer involved): CJK characters count one each, other words about
// 1.3 each, punctuation one each. Good enough to warn near the 512 limit, not exact.
int estimateTokens(const QString& text);

// "20260126-141503_a-cat-surfing-at-sunset_1234" : date, first prompt words, seed; safe on every file system.
QString readableJobName(const QDateTime& when, const QString& prompt, qint64 seed);

} // namespace wan::ui
