// The live preview as one large frame: its size for 480P and 720P latent previews in a view of a given
// size, the middle frame by default, scrubbing with the slider and the strip, the strip toggle.
#include "PreviewPictures.h"
#include "PreviewView.h"

#include <QSlider>
#include <QTest>
#include <QToolButton>

using namespace wan::ui;

class TestPreviewView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fitCentred_data();
    void fitCentred();
    void shownSize_data();
    void shownSize();
    void scrubbingPicksTheFrame();
    void stripToggle();
};

void TestPreviewView::fitCentred_data()
{
    QTest::addColumn<QSize>("image");
    QTest::addColumn<QRect>("area");
    QTest::addColumn<QRect>("expected");
    QTest::newRow("480P latent, wide area")
        << QSize(104, 60) << QRect(0, 0, 1000, 400) << QRect(153, 0, 693, 400);
    QTest::newRow("480P latent, tall area")
        << QSize(104, 60) << QRect(0, 0, 800, 800) << QRect(0, 169, 800, 461);
    QTest::newRow("720P latent, offset area")
        << QSize(160, 90) << QRect(10, 20, 640, 480) << QRect(10, 80, 640, 360);
    QTest::newRow("portrait") << QSize(60, 104) << QRect(0, 0, 600, 520) << QRect(150, 0, 300, 520);
    QTest::newRow("no image") << QSize() << QRect(0, 0, 100, 100) << QRect();
}

void TestPreviewView::fitCentred()
{
    QFETCH(QSize, image);
    QFETCH(QRect, area);
    QFETCH(QRect, expected);
    QCOMPARE(wan::ui::fitCentred(image, area), expected);
}

void TestPreviewView::shownSize_data()
{
    QTest::addColumn<QSize>("latent");
    QTest::addColumn<QSize>("view");
    QTest::addColumn<bool>("strip");
    QTest::addColumn<QSize>("shown");
    // The whole strip of 21 frames in an 800 px wide panel was 800×22; one frame fills the width.
    QTest::newRow("480P, 800×520, no strip") << QSize(104, 60) << QSize(800, 520) << false << QSize(800, 461);
    QTest::newRow("720P, 400×600, strip") << QSize(160, 90) << QSize(400, 600) << true << QSize(400, 225);
    QTest::newRow("720P, 900×560, no strip") << QSize(160, 90) << QSize(900, 560) << false << QSize(900, 506);
    // Height-bound: the frame fills the height left by the controls (checked below), aspect kept.
    QTest::newRow("480P, 1200×400, strip") << QSize(104, 60) << QSize(1200, 400) << true << QSize();
}

void TestPreviewView::shownSize()
{
    QFETCH(QSize, latent);
    QFETCH(QSize, view);
    QFETCH(bool, strip);
    QFETCH(QSize, shown);
    PreviewView preview;
    preview.setStripVisible(strip);
    preview.resize(view);
    preview.show();
    QVERIFY(QTest::qWaitForWindowExposed(&preview));
    preview.setPreview(colouredPreview(latent.width(), latent.height(), 21));
    QCOMPARE(preview.frameCount(), 21);
    QCOMPARE(preview.shownFrame().size(), latent);
    const QRect rect = preview.shownFrameRect();
    QVERIFY2(
        preview.rect().contains(rect),
        qPrintable(
            QStringLiteral("%1,%2 %3×%4").arg(rect.x()).arg(rect.y()).arg(rect.width()).arg(rect.height())));
    if (shown.isValid()) {
        QCOMPARE(rect.size(), shown);
    } else {
        QVERIFY(rect.width() < view.width());
        QVERIFY(rect.height() > view.height() / 2);
        const double aspect = double(latent.width()) / latent.height();
        QVERIFY(qAbs(rect.width() - rect.height() * aspect) <= 1.0);
    }
    // Centred horizontally.
    QVERIFY(qAbs(rect.center().x() - preview.rect().center().x()) <= 1);
}

void TestPreviewView::scrubbingPicksTheFrame()
{
    PreviewView preview;
    preview.resize(800, 500);
    preview.show();
    QVERIFY(QTest::qWaitForWindowExposed(&preview));
    const auto shownColour = [&] { return preview.shownFrame().pixel(5, 5); };
    preview.setPreview(colouredPreview(104, 60, 21));
    // Following the middle frame.
    QVERIFY(preview.isFollowing());
    QCOMPARE(preview.currentFrame(), 10);
    QCOMPARE(shownColour(), frameColour(10).rgb());
    auto* slider = preview.findChild<QSlider*>();
    QVERIFY(slider);
    QCOMPARE(slider->maximum(), 20);
    QCOMPARE(slider->value(), 10);

    // The slider picks a frame, which stays picked through the next previews.
    slider->setValue(3);
    QVERIFY(!preview.isFollowing());
    QCOMPARE(preview.currentFrame(), 3);
    QCOMPARE(shownColour(), frameColour(3).rgb());
    preview.setPreview(colouredPreview(104, 60, 21));
    QCOMPARE(preview.currentFrame(), 3);
    QCOMPARE(shownColour(), frameColour(3).rgb());

    // A click on the strip picks the frame under it.
    auto* strip = preview.findChild<QWidget*>(QStringLiteral("previewStrip"));
    QVERIFY(strip && strip->isVisible());
    const QRect area = wan::ui::fitCentred(QSize(104 * 21, 60), strip->rect().adjusted(2, 2, -2, -2));
    QTest::mouseClick(strip, Qt::LeftButton, {},
                      QPoint(area.x() + int(area.width() * 15.5 / 21), area.center().y()));
    QCOMPARE(preview.currentFrame(), 15);
    QCOMPARE(slider->value(), 15);
    QCOMPARE(shownColour(), frameColour(15).rgb());

    // Fewer frames than the picked one: the last there is.
    preview.setPreview(colouredPreview(104, 60, 9));
    QCOMPARE(preview.currentFrame(), 8);
    QCOMPARE(slider->maximum(), 8);

    // A new job follows the middle again.
    preview.reset(QStringLiteral("waiting"));
    QVERIFY(preview.shownFrame().isNull());
    QCOMPARE(preview.frameCount(), 0);
    preview.setPreview(colouredPreview(104, 60, 9));
    QVERIFY(preview.isFollowing());
    QCOMPARE(preview.currentFrame(), 4);
    QCOMPARE(shownColour(), frameColour(4).rgb());
}

void TestPreviewView::stripToggle()
{
    PreviewView preview;
    preview.resize(800, 500);
    preview.show();
    QVERIFY(QTest::qWaitForWindowExposed(&preview));
    preview.setPreview(colouredPreview(104, 60, 21));
    auto* strip = preview.findChild<QWidget*>(QStringLiteral("previewStrip"));
    auto* toggle = preview.findChild<QToolButton*>();
    QVERIFY(strip && toggle);
    QVERIFY(preview.isStripVisible());
    const int withStrip = preview.shownFrameRect().height();
    toggle->click();
    QVERIFY(!preview.isStripVisible());
    QVERIFY(!strip->isVisible());
    // The frame takes the room the strip had (the view is wide: the height bounds it).
    QTRY_VERIFY(preview.shownFrameRect().height() > withStrip);
    toggle->click();
    QVERIFY(strip->isVisible());
}

QTEST_MAIN(TestPreviewView)
#include "test_previewview.moc"
