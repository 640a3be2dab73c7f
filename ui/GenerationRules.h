#pragma once
// The rules of the official models that the settings panel enforces (sizes, frame counts, defaults).

#include "wan/Pipeline.h"

#include <QDateTime>
#include <QList>
#include <QSize>
#include <QString>

namespace wan::ui {

enum class ModelSize
{
    Small = 1,
    Large
}; // 1.3B, 14B

constexpr int kFps = 16;
constexpr int kTextTokenLimit = 512; // umT5 context length of the official models
constexpr int kSizeMultiple = 16;    // VAE stride 8 x patch 2

// Official sizes for a task and model ("1280x720" etc.), landscape first.
QList<QSize> sizePresets(wan::Task task, ModelSize model);
bool isValidCustomSize(QSize size);
bool isValidFrameCount(int frames); // 4n+1
int nearestValidFrameCount(int frames);
double durationSeconds(int frames, int fps = kFps);

// Official defaults per task (generate.py): steps 50 (i2v 40), shift 5 (i2v at 480p 3, flf2v and vace 16),
// guidance 5, 81 frames.
wan::Request defaultRequest(wan::Task task);
double defaultShift(wan::Task task, QSize size);

// The i2v output size for an input image and a max area, rounded like the official pipeline: the latent
// side is floor(sqrt(area * h / w) / 8 / 2) * 2, the output 8 times that.
QSize i2vOutputSize(QSize image, int maxArea);

// A cheap estimate of umT5 tokens (no tokenizer involved): CJK characters count one each, other words about
// 1.3 each, punctuation one each. Good enough to warn near the 512 limit, not exact.
int estimateTokens(const QString& text);

// "20260126-141503_a-cat-surfing-at-sunset_1234" : date, first prompt words, seed; safe on every file system.
QString readableJobName(const QDateTime& when, const QString& prompt, qint64 seed);

} // namespace wan::ui
