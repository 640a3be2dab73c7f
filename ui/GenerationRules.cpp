#include "GenerationRules.h"

#include <QRegularExpression>

#include <cmath>

namespace wan::ui {

QList<QSize> sizePresets(wan::Task task, ModelSize model)
{
    if (model == ModelSize::Small)
        return {QSize(832, 480), QSize(480, 832)};
    QList<QSize> sizes{QSize(1280, 720), QSize(720, 1280), QSize(832, 480), QSize(480, 832)};
    if (task == wan::Task::T2I)
        sizes.append(QSize(1024, 1024));
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
    const bool is480 = (size == QSize(832, 480) || size == QSize(480, 832));
    if (task == wan::Task::FLF2V || task == wan::Task::VACE)
        return 16.0; // generate.py's default for flf2v and vace
    return task == wan::Task::I2V && is480 ? 3.0 : 5.0;
}

wan::Request defaultRequest(wan::Task task)
{
    wan::Request r;
    r.task = task;
    r.width = 832;
    r.height = 480;
    r.frameNum = task == wan::Task::T2I ? 1 : 81;
    r.steps = task == wan::Task::I2V ? 40 : 50;
    r.shift = defaultShift(task, QSize(r.width, r.height));
    r.guideScale = 5.0;
    r.solver = wan::Solver::UniPC;
    r.seed = -1;
    return r;
}

QSize i2vOutputSize(QSize image, int maxArea)
{
    if (image.isEmpty() || maxArea <= 0)
        return {};
    const double aspect = double(image.height()) / image.width();
    const auto latent = [](double side) { return int(std::floor(std::floor(side / 8.0) / 2.0) * 2.0); };
    const int latH = latent(std::sqrt(maxArea * aspect));
    const int latW = latent(std::sqrt(maxArea / aspect));
    return QSize(latW * 8, latH * 8);
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
