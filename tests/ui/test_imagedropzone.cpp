// The I2V drop zone: image files, browser image data and clipboard pastes are accepted; other things are
// refused with a message. Also the official output-size rounding shown next to the thumbnail.
#include "GenerationRules.h"
#include "ImageDropZone.h"

#include <QApplication>
#include <QBuffer>
#include <QClipboard>
#include <QDropEvent>
#include <QFile>
#include <QImageReader>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace wan::ui;

namespace {
QImage testImage(int width, int height)
{
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(qRgb(200, 40, 10));
    return image;
}

// Sends a real drop event through the widget's handlers, as a drag from a file manager or browser would.
bool dropOnto(QWidget* widget, const QMimeData* mime)
{
    const QPointF pos(widget->width() / 2.0, widget->height() / 2.0);
    QDragEnterEvent enter(pos.toPoint(), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(widget, &enter);
    if (!enter.isAccepted())
        return false;
    QDropEvent drop(pos, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(widget, &drop);
    return drop.isAccepted();
}
} // namespace

class TestImageDropZone : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void acceptsImageFiles_data();
    void acceptsImageFiles();
    void acceptsImageData_data();
    void acceptsImageData();
    void rejectsOtherThings_data();
    void rejectsOtherThings();
    void webpIsReadOrExplained();
    void pasteFromClipboard();
    void outputSizeFollowsOfficialRounding_data();
    void outputSizeFollowsOfficialRounding();

private:
    QTemporaryDir m_dir;
};

void TestImageDropZone::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestImageDropZone::acceptsImageFiles_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("format");
    QTest::newRow("png") << "input.png" << QByteArray("PNG");
    QTest::newRow("jpeg") << "photo.jpg" << QByteArray("JPEG");
    QTest::newRow("jpeg-long") << "photo.JPEG" << QByteArray("JPEG");
    QTest::newRow("bmp") << "old.bmp" << QByteArray("BMP");
}

void TestImageDropZone::acceptsImageFiles()
{
    QFETCH(QString, fileName);
    QFETCH(QByteArray, format);
    const QString path = m_dir.filePath(fileName);
    QVERIFY(testImage(64, 48).save(path, format.constData()));
    ImageDropZone zone(m_dir.filePath(QStringLiteral("stash")));
    zone.resize(400, 200);
    QSignalSpy changed(&zone, &ImageDropZone::imageChanged);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    QVERIFY(dropOnto(&zone, &mime));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(zone.imagePath(), QFileInfo(path).absoluteFilePath());
    QCOMPARE(zone.imageSize(), QSize(64, 48));
    QVERIFY(zone.message().contains(QStringLiteral("64×48")));
}

void TestImageDropZone::acceptsImageData_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("image-data") << "image";    // application/x-qt-image, as Qt apps and some browsers send
    QTest::newRow("png-bytes") << "image/png"; // encoded bytes, as browsers send for a dragged picture
    QTest::newRow("jpeg-bytes") << "image/jpeg";
    QTest::newRow("remote-url-with-data") << "url+image"; // a web page image: URL plus its pixels
}

void TestImageDropZone::acceptsImageData()
{
    QFETCH(QString, kind);
    const QImage image = testImage(40, 30);
    QMimeData mime;
    if (kind == QLatin1String("image") || kind == QLatin1String("url+image"))
        mime.setImageData(image);
    if (kind == QLatin1String("url+image"))
        mime.setUrls({QUrl(QStringLiteral("https://example.com/cat.webp"))});
    if (kind.startsWith(QLatin1String("image/"))) {
        QByteArray bytes;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        image.save(&buffer, kind == QLatin1String("image/png") ? "PNG" : "JPEG");
        mime.setData(kind, bytes);
    }
    ImageDropZone zone(m_dir.filePath(QStringLiteral("stash")));
    zone.resize(400, 200);
    QVERIFY(dropOnto(&zone, &mime));
    QCOMPARE(zone.imageSize(), QSize(40, 30));
    // Data without a file is stashed as a PNG the engine can read.
    QVERIFY(zone.imagePath().startsWith(m_dir.filePath(QStringLiteral("stash"))));
    QCOMPARE(QImage(zone.imagePath()).size(), QSize(40, 30));
}

void TestImageDropZone::rejectsOtherThings_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expectedWords");
    QTest::newRow("text-file") << "notes.txt"
                               << "not a supported image";
    QTest::newRow("video-file") << "clip.mp4"
                                << "not a supported image";
    QTest::newRow("fake-png") << "broken.png"
                              << "could not be read";
    QTest::newRow("missing-file") << "missing.png"
                                  << "does not exist";
    QTest::newRow("web-link-only") << "https"
                                   << "save it first";
}

void TestImageDropZone::rejectsOtherThings()
{
    QFETCH(QString, kind);
    QFETCH(QString, expectedWords);
    QMimeData mime;
    if (kind == QLatin1String("https")) {
        mime.setUrls({QUrl(QStringLiteral("https://example.com/page.html"))});
    } else {
        const QString path = m_dir.filePath(kind);
        if (kind != QLatin1String("missing.png")) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("this is not an image");
        }
        mime.setUrls({QUrl::fromLocalFile(path)});
    }
    ImageDropZone zone(m_dir.filePath(QStringLiteral("stash")));
    zone.resize(400, 200);
    QSignalSpy rejected(&zone, &ImageDropZone::imageRejected);
    QSignalSpy changed(&zone, &ImageDropZone::imageChanged);
    QVERIFY(!dropOnto(&zone, &mime));
    QCOMPARE(rejected.count(), 1);
    QCOMPARE(changed.count(), 0);
    QVERIFY2(rejected.at(0).at(0).toString().contains(expectedWords),
             qPrintable(rejected.at(0).at(0).toString()));
    QVERIFY(zone.message().contains(rejected.at(0).at(0).toString()));
    QVERIFY(zone.imagePath().isEmpty());

    QMimeData plainText;
    plainText.setText(QStringLiteral("just words"));
    QVERIFY(!dropOnto(&zone, &plainText)); // not even offered
    QVERIFY(!zone.setImageFromMime(&plainText));
}

void TestImageDropZone::webpIsReadOrExplained()
{
    // WebP needs a Qt image plugin that may be missing: then the user is told what to install.
    const QString path = m_dir.filePath(QStringLiteral("web.webp"));
    const bool canWrite = testImage(32, 32).save(path, "WEBP");
    if (!canWrite) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("RIFF\x1a\x00\x00\x00WEBPVP8 ", 16));
    }
    ImageDropZone zone(m_dir.filePath(QStringLiteral("stash")));
    const bool ok = zone.setImageFile(path);
    if (QImageReader::supportedImageFormats().contains("webp")) {
        QVERIFY(ok);
        QCOMPARE(zone.imageSize(), QSize(32, 32));
    } else {
        QVERIFY(!ok);
        QVERIFY2(zone.message().contains(QStringLiteral("qt6-image-formats-plugins")),
                 qPrintable(zone.message()));
    }
}

void TestImageDropZone::pasteFromClipboard()
{
    ImageDropZone zone(m_dir.filePath(QStringLiteral("stash")));
    QClipboard* clipboard = QApplication::clipboard();
    clipboard->setImage(testImage(24, 16));
    if (clipboard->image().isNull())
        QSKIP("this platform has no clipboard");
    QTest::keySequence(&zone, QKeySequence::Paste);
    QCOMPARE(zone.imageSize(), QSize(24, 16));

    clipboard->setText(QStringLiteral("no picture"));
    QSignalSpy rejected(&zone, &ImageDropZone::imageRejected);
    zone.pasteFromClipboard();
    QCOMPARE(rejected.count(), 1);
    QCOMPARE(zone.imageSize(), QSize(24, 16)); // the previous image stays
}

void TestImageDropZone::outputSizeFollowsOfficialRounding_data()
{
    QTest::addColumn<QSize>("image");
    QTest::addColumn<int>("maxArea");
    QTest::addColumn<QSize>("expected");
    // Values from the official formula: lat = floor(sqrt(area*h/w) / 8 / 2) * 2, size = 8 * lat.
    QTest::newRow("16:9 at 480p") << QSize(1920, 1080) << 832 * 480 << QSize(832, 464);
    // Floating point makes sqrt(area * 480 / 832) land just under 480, in the official code as here.
    QTest::newRow("same aspect 480p") << QSize(832, 480) << 832 * 480 << QSize(832, 464);
    QTest::newRow("portrait 480p") << QSize(480, 832) << 832 * 480 << QSize(480, 832);
    QTest::newRow("16:9 at 720p") << QSize(1920, 1080) << 1280 * 720 << QSize(1280, 720);
    QTest::newRow("square 720p") << QSize(512, 512) << 1280 * 720 << QSize(960, 960);
    QTest::newRow("4:3 at 480p") << QSize(640, 480) << 832 * 480 << QSize(720, 544);
    QTest::newRow("tiny fixture") << QSize(80, 48) << 3072 << QSize(64, 32); // wan-tiny-i2v reference run
}

void TestImageDropZone::outputSizeFollowsOfficialRounding()
{
    QFETCH(QSize, image);
    QFETCH(int, maxArea);
    QFETCH(QSize, expected);
    QCOMPARE(i2vOutputSize(image, maxArea), expected);
    ImageDropZone zone(m_dir.filePath(QStringLiteral("stash")));
    const QString path = m_dir.filePath(QStringLiteral("sized.png"));
    QVERIFY(testImage(image.width(), image.height()).save(path));
    zone.setMaxArea(maxArea);
    QVERIFY(zone.setImageFile(path));
    QCOMPARE(zone.outputSize(), expected);
    QVERIFY(zone.message().contains(QStringLiteral("%1×%2").arg(expected.width()).arg(expected.height())));
}

QTEST_MAIN(TestImageDropZone)
#include "test_imagedropzone.moc"
