// The VACE mask painter: brush, eraser and box give the right pixels, box tracks interpolate between key
// frames and hold outside them, and the mask is written as a complete folder of PNG frames (or not at all)
// that the engine's PNG reader takes.
#include "MaskPainter.h"
#include "MaskPainterDialog.h"
#include "SourceFrames.h"

#if WAN_TEST_HAS_MEDIA
#include "media/Image.h"
#include "media/Png.h"
#endif

#include <QComboBox>
#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace wan::ui;

namespace {
QImage frameImage(int width, int height)
{
    QImage image(width, height, QImage::Format_RGB32);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            image.setPixel(x, y, qRgb(4 * x % 256, 4 * y % 256, 90));
    return image;
}

bool white(const QImage& mask, int x, int y)
{
    return qGray(mask.pixel(x, y)) == 255;
}
bool black(const QImage& mask, int x, int y)
{
    return qGray(mask.pixel(x, y)) == 0;
}

// Every pixel is pure white or pure black, and white exactly inside `box`.
bool onlyBox(const QImage& mask, const QRect& box, QString* where)
{
    for (int y = 0; y < mask.height(); ++y)
        for (int x = 0; x < mask.width(); ++x) {
            const int gray = qGray(mask.pixel(x, y));
            const int expected = box.contains(x, y) ? 255 : 0;
            if (gray != expected) {
                *where = QStringLiteral("(%1,%2) is %3, expected %4").arg(x).arg(y).arg(gray).arg(expected);
                return false;
            }
        }
    return true;
}
} // namespace

class TestMaskPainter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boxTrackInterpolates_data();
    void boxTrackInterpolates();
    void boxTrackKeysCanBeRemoved();
    void brushAndEraserPaintWhiteAndBlack();
    void boxFillsTheSameMaskForAllFrames();
    void mouseDragsABoxInFramePixels();
    void boxTrackMasksFollowTheTrack();
    void dialogWritesOneFramePerSourceFrame();
    void writingIsAllOrNothing();
    void emptyMaskIsRefused();
    void boxTrackScreenshot();
};

void TestMaskPainter::boxTrackInterpolates_data()
{
    QTest::addColumn<int>("frame");
    QTest::addColumn<QRect>("expected");
    // Keys: frame 10 (0,0 10×10), frame 20 (10,20 30×10), frame 40 (10,20 30×10 moved to 50,20).
    QTest::newRow("before-first-key-holds") << 0 << QRect(0, 0, 10, 10);
    QTest::newRow("first-key") << 10 << QRect(0, 0, 10, 10);
    QTest::newRow("halfway") << 15 << QRect(5, 10, 20, 10); // edges 0→10, 0→20, 10→40, 10→30
    QTest::newRow("a-fifth") << 12 << QRect(2, 4, 14, 10);  // 0+2, 0+4, right 10+6=16, bottom 10+4
    QTest::newRow("second-key") << 20 << QRect(10, 20, 30, 10);
    QTest::newRow("moving-only") << 30 << QRect(30, 20, 30, 10); // the size stays while it moves
    QTest::newRow("last-key") << 40 << QRect(50, 20, 30, 10);
    QTest::newRow("after-last-key-holds") << 80 << QRect(50, 20, 30, 10);
}

void TestMaskPainter::boxTrackInterpolates()
{
    QFETCH(int, frame);
    QFETCH(QRect, expected);
    BoxTrack track;
    QVERIFY(track.boxAt(frame).isEmpty()); // no keys: no box
    track.setKey(20, QRect(10, 20, 30, 10));
    track.setKey(40, QRect(50, 20, 30, 10));
    track.setKey(10, QRect(0, 0, 10, 10));
    QCOMPARE(track.keyFrames(), QList<int>({10, 20, 40}));
    QCOMPARE(track.boxAt(frame), expected);
}

void TestMaskPainter::boxTrackKeysCanBeRemoved()
{
    BoxTrack track;
    track.setKey(0, QRect(0, 0, 4, 4));
    track.setKey(8, QRect(8, 0, 4, 4));
    QCOMPARE(track.boxAt(4), QRect(4, 0, 4, 4));
    QVERIFY(track.removeKey(8));
    QVERIFY(!track.removeKey(8));
    QCOMPARE(track.boxAt(4), QRect(0, 0, 4, 4));
}

void TestMaskPainter::brushAndEraserPaintWhiteAndBlack()
{
    MaskPainter painter;
    painter.setSource(frameImage(64, 48), 5);
    QSignalSpy changed(&painter, &MaskPainter::maskChanged);
    QVERIFY(painter.isEmpty());
    QCOMPARE(painter.paintedMask().size(), QSize(64, 48));
    painter.setBrushRadius(4);
    painter.paintStroke(QPointF(10, 10), QPointF(30, 10));
    QCOMPARE(changed.count(), 1);
    QVERIFY(!painter.isEmpty());
    QImage mask = painter.maskForFrame(0);
    QCOMPARE(mask.format(), QImage::Format_Grayscale8);
    QVERIFY(white(mask, 10, 10));
    QVERIFY(white(mask, 20, 10));
    QVERIFY(white(mask, 30, 10));
    QVERIFY(white(mask, 20, 12)); // inside the stroke's width
    QVERIFY(black(mask, 20, 20)); // outside it
    QVERIFY(black(mask, 40, 10)); // past the end
    QVERIFY(black(mask, 0, 0));
    int whites = 0;
    for (int y = 0; y < mask.height(); ++y)
        for (int x = 0; x < mask.width(); ++x) {
            QVERIFY(white(mask, x, y) || black(mask, x, y)); // a hard mask, no grey edges
            whites += white(mask, x, y);
        }
    // About a 20×8 band plus two half discs of radius 4.
    QVERIFY2(whites > 180 && whites < 260, qPrintable(QString::number(whites)));

    painter.setTool(MaskTool::Eraser);
    painter.setBrushRadius(2);
    painter.paintStroke(QPointF(20, 10), QPointF(20, 10));
    mask = painter.maskForFrame(0);
    QVERIFY(black(mask, 20, 10));
    QVERIFY(white(mask, 28, 10));
    QVERIFY(white(mask, 12, 10));
    QCOMPARE(painter.maskForFrame(4), mask); // the same mask on every frame

    painter.clearMask();
    QVERIFY(painter.isEmpty());
}

void TestMaskPainter::boxFillsTheSameMaskForAllFrames()
{
    MaskPainter painter;
    painter.setSource(frameImage(64, 48), 9);
    painter.setTool(MaskTool::Box);
    painter.applyBox(QRect(40, 30, 11, 11));
    painter.applyBox(QRect(60, 44, 20, 20)); // partly outside: clipped
    const QRect first(40, 30, 11, 11);
    const QRect second(60, 44, 4, 4);
    QString where;
    for (int frame : {0, 4, 8}) {
        const QImage mask = painter.maskForFrame(frame);
        for (int y = 0; y < mask.height(); ++y)
            for (int x = 0; x < mask.width(); ++x) {
                const bool inside = first.contains(x, y) || second.contains(x, y);
                QVERIFY2(inside ? white(mask, x, y) : black(mask, x, y),
                         qPrintable(QStringLiteral("frame %1 (%2,%3)").arg(frame).arg(x).arg(y)));
            }
    }
}

void TestMaskPainter::mouseDragsABoxInFramePixels()
{
    MaskPainter painter;
    painter.setSource(frameImage(64, 48), 3);
    painter.resize(256, 192); // the frame drawn at four times its size
    painter.show();
    QVERIFY(QTest::qWaitForWindowExposed(&painter));
    QCOMPARE(painter.imageRect(), QRect(0, 0, 256, 192));
    painter.setTool(MaskTool::Box);
    QTest::mousePress(&painter, Qt::LeftButton, {}, QPoint(40, 40));
    QTest::mouseMove(&painter, QPoint(80, 60));
    QTest::mouseRelease(&painter, Qt::LeftButton, {}, QPoint(120, 80));
    QString where;
    QVERIFY2(onlyBox(painter.maskForFrame(0), QRect(10, 10, 20, 10), &where), qPrintable(where));

    painter.clearMask();
    painter.setTool(MaskTool::Brush);
    painter.setBrushRadius(3);
    QTest::mousePress(&painter, Qt::LeftButton, {}, QPoint(200, 160));
    QTest::mouseRelease(&painter, Qt::LeftButton, {}, QPoint(200, 160));
    const QImage mask = painter.maskForFrame(0);
    QVERIFY(white(mask, 50, 40));
    QVERIFY(black(mask, 50, 45));
    QVERIFY(black(mask, 10, 10));
}

void TestMaskPainter::boxTrackMasksFollowTheTrack()
{
    MaskPainter painter;
    painter.setSource(frameImage(64, 48), 9);
    painter.setExtension(MaskExtension::BoxTrack);
    painter.setTool(MaskTool::Box);
    painter.applyBox(QRect(0, 0, 8, 8)); // key on frame 0
    painter.setCurrentFrame(8);
    painter.applyBox(QRect(40, 32, 16, 16)); // key on frame 8
    QCOMPARE(painter.boxTrack().keyFrames(), QList<int>({0, 8}));
    QString where;
    QVERIFY2(onlyBox(painter.maskForFrame(0), QRect(0, 0, 8, 8), &where), qPrintable(where));
    // Frame 4: edges halfway (0→40, 0→32, 8→56, 8→48).
    QVERIFY2(onlyBox(painter.maskForFrame(4), QRect(20, 16, 12, 12), &where), qPrintable(where));
    QVERIFY2(onlyBox(painter.maskForFrame(8), QRect(40, 32, 16, 16), &where), qPrintable(where));
    // Painted strokes stay on every frame, the box moves over them.
    painter.setTool(MaskTool::Brush);
    painter.setBrushRadius(1);
    painter.paintStroke(QPointF(60, 4), QPointF(60, 4));
    QVERIFY(white(painter.maskForFrame(0), 60, 4));
    QVERIFY(white(painter.maskForFrame(4), 60, 4));
    QVERIFY(white(painter.maskForFrame(4), 25, 20));
    QVERIFY(black(painter.maskForFrame(0), 25, 20));
    // Removing the last key: the first box holds on every frame.
    QVERIFY(painter.removeKeyAtCurrentFrame());
    QVERIFY(black(painter.maskForFrame(8), 45, 40));
    QVERIFY(white(painter.maskForFrame(8), 4, 4));
    // Back to the same mask for all frames: the track no longer counts.
    painter.setExtension(MaskExtension::SameForAllFrames);
    QVERIFY(black(painter.maskForFrame(8), 4, 4));
}

void TestMaskPainter::dialogWritesOneFramePerSourceFrame()
{
    QTemporaryDir dir;
    const QString folder = QDir(dir.path()).filePath(QStringLiteral("drafts/mask-1"));
    const QSize size(48, 32);
    const int frames = 7;
    MaskPainterDialog dialog(frameImage(size.width(), size.height()), frames, folder);
    auto* extension = dialog.findChild<QComboBox*>(QStringLiteral("maskExtension"));
    QVERIFY(extension);
    extension->setCurrentIndex(extension->findData(int(MaskExtension::BoxTrack)));
    QCOMPARE(int(dialog.painter()->extension()), int(MaskExtension::BoxTrack));
    QCOMPARE(int(dialog.painter()->tool()), int(MaskTool::Box)); // a track is made of boxes
    dialog.painter()->applyBox(QRect(0, 0, 8, 8));
    dialog.painter()->setCurrentFrame(6);
    dialog.painter()->applyBox(QRect(24, 0, 8, 8));
    dialog.accept();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY2(dialog.message().isEmpty(), qPrintable(dialog.message()));

    const QStringList files = pngFramesIn(folder);
    QCOMPARE(files.size(), frames);
    QCOMPARE(QFileInfo(files.first()).fileName(), QStringLiteral("frame_0000.png"));
    QCOMPARE(QFileInfo(files.last()).fileName(), QStringLiteral("frame_0006.png"));
    QCOMPARE(
        QDir(dir.path()).entryList({QStringLiteral(".*partial*")}, QDir::AllEntries | QDir::Hidden).size(),
        0);
    for (int i = 0; i < frames; ++i) {
        const QImage mask(files[i]);
        QCOMPARE(mask.size(), size);
        const int x0 = qRound(24.0 * i / 6); // the box moves 24 px over 6 frames
        QString where;
        QVERIFY2(onlyBox(mask, QRect(x0, 0, 8, 8), &where),
                 qPrintable(QStringLiteral("frame %1: ").arg(i) + where));
#if WAN_TEST_HAS_MEDIA
        // What the engine reads mask frames with (media::loadImageRgb, via the pipeline's frame reader), and
        // its PNG reader: the same size and the mask's values in every channel.
        for (const wan::media::RgbImage& read : {wan::media::loadImageRgb(files[i].toStdString()),
                                                 wan::media::readPng(files[i].toStdString())}) {
            QCOMPARE(read.width, size.width());
            QCOMPARE(read.height, size.height());
            const auto at = [&](int x, int y, int c) {
                return int(read.rgb[(std::size_t(y) * read.width + x) * 3 + c]);
            };
            for (int c = 0; c < 3; ++c) {
                QCOMPARE(at(x0 + 1, 1, c), 255);
                QCOMPARE(at(x0 + 1, 20, c), 0);
            }
        }
#endif
    }
    const SourceFrames read = readSourceFrames(folder, {});
    QVERIFY(read.isValid());
    QCOMPARE(read.frameCount, frames);
    QCOMPARE(read.first.size(), size);
}

void TestMaskPainter::writingIsAllOrNothing()
{
    QTemporaryDir dir;
    const QString folder = QDir(dir.path()).filePath(QStringLiteral("mask"));
    QImage frame(16, 16, QImage::Format_Grayscale8);
    frame.fill(255);
    // A frame that cannot be made: nothing is left behind, not even the temporary folder.
    QString error = writeMaskFrames(folder, 5, [&](int i) { return i == 3 ? QImage() : frame; });
    QVERIFY(!error.isEmpty());
    QVERIFY(!QFileInfo::exists(folder));
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).size(), 0);
    // Complete: every frame is there.
    error = writeMaskFrames(folder, 5, [&](int) { return frame; });
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(pngFramesIn(folder).size(), 5);
    // An existing folder is never overwritten or mixed into.
    error = writeMaskFrames(folder, 2, [&](int) { return frame; });
    QVERIFY(error.contains(QStringLiteral("already exists")));
    QVERIFY(error.contains(QDir::toNativeSeparators(folder)));
    QCOMPARE(pngFramesIn(folder).size(), 5);
    // Frame names grow past four digits when needed, and keep sorting in frame order.
    const QString many = QDir(dir.path()).filePath(QStringLiteral("many"));
    QImage tiny(2, 2, QImage::Format_Grayscale8);
    tiny.fill(0);
    QVERIFY(writeMaskFrames(many, 10001, [&](int) { return tiny; }).isEmpty());
    const QStringList files = pngFramesIn(many);
    QCOMPARE(files.size(), 10001);
    QCOMPARE(QFileInfo(files.last()).fileName(), QStringLiteral("frame_10000.png"));
    QCOMPARE(QFileInfo(files[9999]).fileName(), QStringLiteral("frame_09999.png"));
}

void TestMaskPainter::emptyMaskIsRefused()
{
    QTemporaryDir dir;
    const QString folder = QDir(dir.path()).filePath(QStringLiteral("mask"));
    MaskPainterDialog dialog(frameImage(32, 32), 3, folder);
    dialog.accept();
    QVERIFY(dialog.result() != int(QDialog::Accepted));
    QVERIFY(dialog.message().contains(QStringLiteral("empty")));
    QVERIFY(!QFileInfo::exists(folder));
    dialog.painter()->paintStroke(QPointF(5, 5), QPointF(5, 5));
    QVERIFY(dialog.message().isEmpty()); // painting clears the stale message
    QVERIFY(dialog.save().isEmpty());
    QCOMPARE(pngFramesIn(folder).size(), 3);
}

// The painter between two key frames: the interpolated box (dashed) on frame 5 of 9.
void TestMaskPainter::boxTrackScreenshot()
{
    QTemporaryDir dir;
    QImage frame(480, 270, QImage::Format_RGB32);
    for (int y = 0; y < frame.height(); ++y)
        for (int x = 0; x < frame.width(); ++x)
            frame.setPixel(x, y, qRgb(40 + x / 4, 90 + y / 4, 150));
    MaskPainterDialog dialog(frame, 9, QDir(dir.path()).filePath(QStringLiteral("mask")));
    auto* extension = dialog.findChild<QComboBox*>(QStringLiteral("maskExtension"));
    QVERIFY(extension);
    extension->setCurrentIndex(extension->findData(int(MaskExtension::BoxTrack)));
    dialog.painter()->applyBox(QRect(30, 40, 120, 90));
    dialog.painter()->setCurrentFrame(8);
    dialog.painter()->applyBox(QRect(320, 150, 120, 90));
    dialog.painter()->setCurrentFrame(4);
    QCOMPARE(dialog.painter()->boxTrack().boxAt(4), QRect(175, 95, 120, 90));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QDir().mkpath(QStringLiteral(WAN_UI_TEST_OUTPUT_DIR));
    const QString path =
        QDir(QStringLiteral(WAN_UI_TEST_OUTPUT_DIR)).filePath(QStringLiteral("maskpainter-boxtrack.png"));
    QVERIFY(dialog.grab().save(path));
    qInfo("screenshot: %s", qPrintable(path));
}

QTEST_MAIN(TestMaskPainter)
#include "test_maskpainter.moc"
