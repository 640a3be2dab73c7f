#include "GenerationRules.h"

#include <QRegularExpression>

#include <cmath>

namespace wan::ui {

QList<QSize> sizePresets(wan::Task task, ModelSize model)
{
    QList<QSize> sizes;
    for (const auto& [width, height] : wan::trainedSizes(task, model))
        sizes.append(QSize(width, height));
    return sizes;
}

bool isValidCustomSize(QSize size)
{
    return size.width() >= kSizeMultiple && size.height() >= kSizeMultiple &&
           size.width() % kSizeMultiple == 0 && size.height() % kSizeMultiple == 0;
}

bool isValidFrameCount(int frames)
{
    return frames >= 1 && (frames - 1) % 4 == 0;
}

int nearestValidFrameCount(int frames)
{
    if (frames <= 1)
        return 1;
    return 4 * int(std::lround((frames - 1) / 4.0)) + 1;
}

double durationSeconds(int frames, int fps)
{
    return fps > 0 ? double(frames) / fps : 0.0;
}

double defaultShift(wan::Task task, QSize size)
{
    return wan::defaultShift(task, size.width(), size.height());
}

wan::Request defaultRequest(wan::Task task)
{
    return wan::defaultRequest(task, ModelSize::Small);
}

QSize i2vOutputSize(QSize image, int maxArea)
{
    if (image.isEmpty() || maxArea <= 0)
        return {};
    const auto [width, height] = wan::imageToVideoSize(image.width(), image.height(), maxArea);
    return QSize(width, height);
}

int estimateTokens(const QString& text)
{
    int tokens = 0;
    int wordLength = 0;
    const auto endWord = [&] {
        if (wordLength > 0)
            tokens += std::max(1, int(std::lround(1.3 * std::ceil(wordLength / 6.0))));
        wordLength = 0;
    };
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        const bool cjk = (u >= 0x3040 && u <= 0x30ff) || (u >= 0x3400 && u <= 0x9fff) ||
                         (u >= 0xac00 && u <= 0xd7af) || (u >= 0xf900 && u <= 0xfaff);
        if (cjk) {
            endWord();
            ++tokens;
        } else if (c.isLetterOrNumber()) {
            ++wordLength;
        } else {
            endWord();
            if (!c.isSpace() && !c.isSurrogate())
                ++tokens;
        }
    }
    endWord();
    return tokens + (text.trimmed().isEmpty() ? 0 : 1); // the end-of-sequence token
}

QString readableJobName(const QDateTime& when, const QString& prompt, qint64 seed)
{
    QStringList words;
    int length = 0;
    static const QRegularExpression separators(QStringLiteral("[^\\p{L}\\p{N}]+"));
    for (const QString& word : prompt.toLower().split(separators, Qt::SkipEmptyParts)) {
        // CJK text has no spaces: a few characters say as much as a few words.
        const QString part = word.left(12);
        if (length + part.size() > 40 || words.size() >= 6)
            break;
        words.append(part);
        length += part.size() + 1;
    }
    QString name = when.toString(QStringLiteral("yyyyMMdd-HHmmss"));
    if (!words.isEmpty())
        name += QLatin1Char('_') + words.join(QLatin1Char('-'));
    if (seed >= 0)
        name += QLatin1Char('_') + QString::number(seed);
    return name;
}

} // namespace wan::ui
