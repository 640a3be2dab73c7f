// The VACE inputs panel: reference images dropped from a file manager (non-images refused with a message
// naming them), and the mask painter opened over the source's first frame, its folder becoming the mask.
#include "MaskPainter.h"
#include "MaskPainterDialog.h"
#include "SourceFrames.h"
#include "VaceInputPanel.h"

#include <QDir>
#include <QDropEvent>
#include <QFile>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace wan::ui;

namespace {
// Sends a real drop event through the widget's handlers, as a drag from a file manager would.
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

QString writeImage(const QString& dir, const QString& name, QSize size, QColor color,
                   const char* format = "PNG")
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(color);
    const QString path = QDir(dir).filePath(name);
    return image.save(path, format) ? path : QString();
}

QMimeData* filesMime(const QStringList& paths)
{
    auto* mime = new QMimeData;
    QList<QUrl> urls;
    for (const QString& path : paths)
        urls.append(QUrl::fromLocalFile(path));
    mime->setUrls(urls);
    return mime;
}
} // namespace

class TestVaceInputPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void dropsReferenceImages();
    void refusesNonImagesWithMessage();
    void dropsOnTheListToo();
    void drawMaskNeedsReadableSource();
    void drawnMaskBecomesTheMask();
};

void TestVaceInputPanel::dropsReferenceImages()
{
    QTemporaryDir dir;
    VaceInputPanel panel;
    QSignalSpy changed(&panel, &VaceInputPanel::changed);
    const QString a = writeImage(dir.path(), QStringLiteral("a.png"), QSize(40, 30), Qt::red);
    const QString b = writeImage(dir.path(), QStringLiteral("b.jpg"), QSize(30, 40), Qt::blue, "JPEG");
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    std::unique_ptr<QMimeData> mime(filesMime({a, b}));
    QVERIFY(dropOnto(&panel, mime.get()));
    QCOMPARE(panel.referenceImages(), QStringList({a, b}));
    QVERIFY(panel.message().isEmpty());
    QVERIFY(changed.count() >= 1);
    // The same files again: nothing doubles.
    QVERIFY(dropOnto(&panel, mime.get()));
    QCOMPARE(panel.referenceImages().size(), 2);
    // Each entry shows its picture.
    auto* list = panel.findChild<QListWidget*>(QStringLiteral("vaceReferences"));
    QVERIFY(list);
    QVERIFY(!list->item(0)->icon().isNull());
}

void TestVaceInputPanel::refusesNonImagesWithMessage()
{
    QTemporaryDir dir;
    VaceInputPanel panel;
    QSignalSpy rejected(&panel, &VaceInputPanel::inputRejected);
    const QString good = writeImage(dir.path(), QStringLiteral("face.png"), QSize(20, 20), Qt::green);
    const QString text = QDir(dir.path()).filePath(QStringLiteral("notes.txt"));
    {
        QFile file(text);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a picture");
    }
    const QString fake = QDir(dir.path()).filePath(QStringLiteral("broken.png")); // a .png that is not one
    {
        QFile file(fake);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("garbage");
    }
    const QString folder = QDir(dir.path()).filePath(QStringLiteral("frames"));
    QVERIFY(QDir().mkpath(folder));

    // Only non-images: refused, with a message naming each.
    std::unique_ptr<QMimeData> bad(filesMime({text, fake, folder}));
    QVERIFY(!dropOnto(&panel, bad.get()));
    QVERIFY(panel.referenceImages().isEmpty());
    QCOMPARE(rejected.count(), 1);
    const QString message = panel.message();
    QVERIFY2(message.contains(QStringLiteral("notes.txt")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("broken.png")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("frames")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("PNG, JPEG")), qPrintable(message));

    // A mix: the image is added, the rest named.
    std::unique_ptr<QMimeData> mixed(filesMime({good, text}));
    QVERIFY(dropOnto(&panel, mixed.get()));
    QCOMPARE(panel.referenceImages(), QStringList({good}));
    QVERIFY(panel.message().contains(QStringLiteral("notes.txt")));
    QVERIFY(!panel.message().contains(QStringLiteral("face.png")));

    // No files at all (text from an editor): not even taken as a drag.
    QMimeData plain;
    plain.setText(QStringLiteral("hello"));
    QVERIFY(!dropOnto(&panel, &plain));
    // A later change of the inputs clears the stale message.
    panel.setContextScale(0.5);
    QVERIFY(panel.message().isEmpty());
}

void TestVaceInputPanel::dropsOnTheListToo()
{
    QTemporaryDir dir;
    VaceInputPanel panel;
    panel.resize(600, 300);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    auto* list = panel.findChild<QListWidget*>(QStringLiteral("vaceReferences"));
    QVERIFY(list);
    const QString a = writeImage(dir.path(), QStringLiteral("ref.webp.png"), QSize(16, 16), Qt::yellow);
    std::unique_ptr<QMimeData> mime(filesMime({a}));
    QVERIFY(dropOnto(list->viewport(), mime.get()));
    QCOMPARE(panel.referenceImages(), QStringList({a}));
}

void TestVaceInputPanel::drawMaskNeedsReadableSource()
{
    QTemporaryDir dir;
    VaceInputPanel panel;
    panel.setDraftDir(dir.path());
    QVERIFY(!panel.drawMask());
    QVERIFY2(panel.message().contains(QStringLiteral("source video first")), qPrintable(panel.message()));
    // An empty folder: named, with the fix.
    const QString empty = QDir(dir.path()).filePath(QStringLiteral("empty"));
    QVERIFY(QDir().mkpath(empty));
    panel.setSourceVideo(empty);
    QVERIFY(!panel.drawMask());
    QVERIFY2(panel.message().contains(QStringLiteral("no PNG frames")), qPrintable(panel.message()));
    QVERIFY(panel.message().contains(QDir::toNativeSeparators(empty)));
    // A video file without a decoder in this build: says how to go on.
    const QString video = QDir(dir.path()).filePath(QStringLiteral("clip.mp4"));
    {
        QFile file(video);
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    panel.setSourceVideo(video);
    QVERIFY(!panel.drawMask());
    QVERIFY2(panel.message().contains(QStringLiteral("PNG files into a folder")),
             qPrintable(panel.message()));
    // With a decoder, its error is shown as it is.
    panel.setVideoFrameReader([](const QString& path) {
        SourceFrames frames;
        frames.error = QStringLiteral("Cannot read the video %1: no stream").arg(path);
        return frames;
    });
    QVERIFY(!panel.drawMask());
    QVERIFY(panel.message().contains(QStringLiteral("no stream")));
    QVERIFY(QDir(dir.path()).entryList({QStringLiteral("mask-*")}, QDir::Dirs).isEmpty());
}

void TestVaceInputPanel::drawnMaskBecomesTheMask()
{
    QTemporaryDir dir;
    const QString source = QDir(dir.path()).filePath(QStringLiteral("source"));
    QVERIFY(QDir().mkpath(source));
    for (int i = 0; i < 5; ++i)
        QVERIFY(!writeImage(source, QStringLiteral("f%1.png").arg(i), QSize(40, 24), QColor(40 * i, 80, 120))
                     .isEmpty());
    VaceInputPanel panel;
    const QString drafts = QDir(dir.path()).filePath(QStringLiteral("drafts"));
    panel.setDraftDir(drafts);
    panel.setSourceVideo(source);
    MaskPainterDialog* dialog = panel.drawMask();
    QVERIFY(dialog);
    QCOMPARE(dialog->painter()->frameCount(), 5);
    QCOMPARE(dialog->painter()->frameSize(), QSize(40, 24));
    QVERIFY(dialog->outputFolder().startsWith(drafts));
    dialog->painter()->setTool(MaskTool::Box);
    dialog->painter()->applyBox(QRect(10, 4, 10, 10));
    dialog->accept();
    QCOMPARE(QDir::fromNativeSeparators(panel.sourceMask()), dialog->outputFolder());
    const SourceFrames mask = readSourceFrames(QDir::fromNativeSeparators(panel.sourceMask()), {});
    QVERIFY(mask.isValid());
    QCOMPARE(mask.frameCount, 5);
    QCOMPARE(mask.first.size(), QSize(40, 24));
    QCOMPARE(qGray(mask.last.pixel(12, 6)), 255);
    QCOMPARE(qGray(mask.last.pixel(2, 2)), 0);
    // Cancelling a second painter keeps the mask.
    const QString kept = panel.sourceMask();
    MaskPainterDialog* second = panel.drawMask();
    QVERIFY(second);
    second->reject();
    QCOMPARE(panel.sourceMask(), kept);
}

QTEST_MAIN(TestVaceInputPanel)
#include "test_vaceinputpanel.moc"
