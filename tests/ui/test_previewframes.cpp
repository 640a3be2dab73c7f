// Single frames out of the live preview strip: the frame count the inference thread records, the cut, the
// default frame.
#include "InferenceWorker.h"
#include "PreviewFrames.h"

#include <QTest>

using namespace wan::ui;

namespace {
// Frame f of the engine's preview: every pixel (f * 10, 255 - f, 7).
wan::PreviewImage enginePreview(int width, int height, int frames)
{
    wan::PreviewImage preview;
    preview.width = width;
    preview.height = height;
    preview.frames = frames;
    preview.rgb.resize(std::size_t(width) * height * frames * 3);
    for (int f = 0; f < frames; ++f)
        for (int i = 0; i < width * height; ++i) {
            std::uint8_t* px = preview.rgb.data() + (std::size_t(f) * width * height + i) * 3;
            px[0] = std::uint8_t(f * 10);
            px[1] = std::uint8_t(255 - f);
            px[2] = 7;
        }
    return preview;
}
} // namespace

class TestPreviewFrames : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cutsTheEnginesFrames_data();
    void cutsTheEnginesFrames();
    void imageWithoutCountIsOneFrame();
};

void TestPreviewFrames::cutsTheEnginesFrames_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("frames");
    QTest::addColumn<int>("middle");
    QTest::newRow("480P, 81 frames") << 104 << 60 << 21 << 10;
    QTest::newRow("720P, 81 frames") << 160 << 90 << 21 << 10;
    QTest::newRow("480P, 33 frames") << 104 << 60 << 9 << 4;
    QTest::newRow("picture") << 104 << 60 << 1 << 0;
    QTest::newRow("two frames") << 60 << 104 << 2 << 0;
}

void TestPreviewFrames::cutsTheEnginesFrames()
{
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, frames);
    QFETCH(int, middle);
    const QImage strip = InferenceWorker::previewToImage(enginePreview(width, height, frames));
    QCOMPARE(strip.size(), QSize(width * frames, height));
    QCOMPARE(previewFrameCount(strip), frames);
    QCOMPARE(defaultPreviewFrame(frames), middle);
    for (int f : {0, middle, frames - 1}) {
        const QImage frame = previewFrame(strip, f);
        QCOMPARE(frame.size(), QSize(width, height));
        QCOMPARE(frame.pixelColor(0, 0), QColor(f * 10, 255 - f, 7));
        QCOMPARE(frame.pixelColor(width - 1, height - 1), QColor(f * 10, 255 - f, 7));
    }
    // Out of range: the nearest frame.
    QCOMPARE(previewFrame(strip, frames + 5).pixelColor(0, 0), QColor((frames - 1) * 10, 256 - frames, 7));
    QCOMPARE(previewFrame(strip, -1).pixelColor(0, 0), QColor(0, 255, 7));
}

void TestPreviewFrames::imageWithoutCountIsOneFrame()
{
    QImage image(40, 30, QImage::Format_RGB888);
    image.fill(Qt::red);
    QCOMPARE(previewFrameCount(image), 1);
    QCOMPARE(previewFrame(image, 3).size(), QSize(40, 30));
    QVERIFY(previewFrame(QImage(), 0).isNull());
    // A count the image cannot hold is ignored.
    QCOMPARE(previewFrameCount(withFrameCount(image, 100)), 1);
    QCOMPARE(previewFrameCount(withFrameCount(image, 4)), 4);
}

QTEST_GUILESS_MAIN(TestPreviewFrames)
#include "test_previewframes.moc"
