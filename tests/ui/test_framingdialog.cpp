// The I2V framing editor: the box takes the chosen size's aspect (and gives exactly that output size), drags
// and scales inside the image, an EXIF-rotated JPEG is shown upright with the crop in its shown coordinates,
// and the crop travels with the request (form, draft, queue JSON, settings.json) and is cleared by a new
// image. Saves a screenshot.
#include "FormDraft.h"
#include "FramingBox.h"
#include "FramingDialog.h"
#include "GenerationForm.h"
#include "GenerationRules.h"
#include "ImageDropZone.h"
#include "JobTypes.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLinearGradient>
#include <QPainter>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <QWheelEvent>

#if defined(WAN_TEST_HAS_MEDIA)
#include "media/Image.h"
#endif

using namespace wan::ui;

namespace {

QString negativeFor(wan::Task task)
{
    return QStringLiteral("default negative for %1").arg(taskName(task));
}

// A picture whose quarters have distinct colours, so that orientation and crops can be checked by colour.
QImage quarters(QSize size)
{
    QImage image(size, QImage::Format_RGB32);
    QPainter p(&image);
    const int w = size.width() / 2, h = size.height() / 2;
    p.fillRect(0, 0, w, h, QColor(220, 40, 40));                                 // top left: red
    p.fillRect(w, 0, size.width() - w, h, QColor(40, 200, 40));                  // top right: green
    p.fillRect(0, h, w, size.height() - h, QColor(40, 40, 220));                 // bottom left: blue
    p.fillRect(w, h, size.width() - w, size.height() - h, QColor(230, 220, 40)); // bottom right: yellow
    p.setPen(QPen(Qt::white, std::max(1, size.width() / 100)));
    p.drawEllipse(QRect(QPoint(0, 0), size)
                      .adjusted(size.width() / 5, size.height() / 5, -size.width() / 5, -size.height() / 5));
    return image;
}

QString savePicture(const QTemporaryDir& dir, const QString& name, const QImage& image)
{
    const QString path = dir.filePath(name);
    return image.save(path) ? path : QString();
}

// `jpeg` with an APP1 Exif segment right after SOI whose TIFF (little-endian) holds Orientation = `value`.
QByteArray withExifOrientation(const QByteArray& jpeg, int value)
{
    const char tiff[] = {'I',  'I',  42, 0, 8, 0, 0, 0,                       // header, first IFD at 8
                         1,    0,                                             // one entry
                         0x12, 0x01, 3,  0, 1, 0, 0, 0, char(value), 0, 0, 0, // Orientation, SHORT, 1, value
                         0,    0,    0,  0};                                  // no next IFD
    QByteArray payload = QByteArray("Exif\0\0", 6) + QByteArray(tiff, sizeof(tiff));
    const int length = int(payload.size()) + 2;
    QByteArray segment;
    segment.append(char(0xFF)).append(char(0xE1)).append(char(length >> 8)).append(char(length & 0xFF));
    segment.append(payload);
    QByteArray out = jpeg;
    out.insert(2, segment); // after SOI (FF D8)
    return out;
}

bool inside(const QRect& rect, QSize image)
{
    return rect.x() >= 0 && rect.y() >= 0 && rect.right() < image.width() && rect.bottom() < image.height() &&
           !rect.isEmpty();
}

void sendWheel(QWidget* widget, QPointF at, int notches)
{
    QWheelEvent wheel(at, widget->mapToGlobal(at), QPoint(), QPoint(0, 120 * notches), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(widget, &wheel);
}

} // namespace

class TestFramingDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void boxAspectFollowsChosenSize_data();
    void boxAspectFollowsChosenSize();
    void dragClampsInsideImage();
    void scalingKeepsAspectAndBounds();
    void wholeImageResets();
    void exifRotatedJpegIsFramedUpright();
    void dropZoneOpensEditorAndShowsCrop();
    void requestRoundTrip();
    void cropRefitsToANewSize();
    void screenshot();
};

void TestFramingDialog::boxAspectFollowsChosenSize_data()
{
    QTest::addColumn<QSize>("image");
    QTest::addColumn<QSize>("target");
    QTest::newRow("4:3 photo, 480p landscape") << QSize(1024, 768) << QSize(832, 480);
    QTest::newRow("4:3 photo, 480p portrait") << QSize(1024, 768) << QSize(480, 832);
    QTest::newRow("square, 720p") << QSize(640, 640) << QSize(1280, 720);
    QTest::newRow("large photo, 720p portrait") << QSize(4000, 3000) << QSize(720, 1280);
    QTest::newRow("panorama, 480p") << QSize(3000, 700) << QSize(832, 480);
    QTest::newRow("odd size, custom") << QSize(997, 611) << QSize(640, 352);
}

void TestFramingDialog::boxAspectFollowsChosenSize()
{
    QFETCH(QSize, image);
    QFETCH(QSize, target);
    FramingBox box(image, target);
    const QRect rect = box.rect();
    QVERIFY(inside(rect, image));
    // The largest box: one step wider would not fit.
    const int wider = rect.width() + box.widthStep();
    QVERIFY2(wider > image.width() || double(wider) * target.height() / target.width() > image.height() - 2,
             qPrintable(QStringLiteral("%1x%2").arg(rect.width()).arg(rect.height())));
    QCOMPARE(box.scale(), 1.0);
    // Its aspect is the chosen size's to within two pixels of height, and the core's rule turns it into the
    // chosen size where the official rounding can reach it (it floors both sides: an exact 832:480 picture
    // gives 832x464), else into no less than the exact aspect gives.
    QVERIFY(std::abs(rect.height() - double(rect.width()) * target.height() / target.width()) <= 2.0);
    const int area = target.width() * target.height();
    const QSize out = box.outputSize();
    QCOMPARE(out, i2vOutputSize(rect.size(), area));
    const QSize exactAspect = i2vOutputSize(target, area);
    if (exactAspect == target)
        QCOMPARE(out, target);
    QVERIFY(out.width() <= target.width() && out.height() <= target.height());
    QVERIFY(out.width() >= target.width() - 16 && out.height() >= target.height() - 16);
    QVERIFY(qint64(out.width()) * out.height() >= qint64(exactAspect.width()) * exactAspect.height());
    qInfo("%dx%d image, %dx%d chosen: box %dx%d, output %dx%d", image.width(), image.height(), target.width(),
          target.height(), rect.width(), rect.height(), out.width(), out.height());
    // Centred.
    QVERIFY(std::abs(rect.center().x() - image.width() / 2) <= 1);
    QVERIFY(std::abs(rect.center().y() - image.height() / 2) <= 1);
}

void TestFramingDialog::dragClampsInsideImage()
{
    const QImage image = quarters({800, 600});
    FramingDialog dialog(image, {832, 480}, QRect(200, 150, 400, 231));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    FramingView* view = dialog.view();
    const QRect before = dialog.box().rect();
    QVERIFY(std::abs(before.width() - 400) <= 13); // in steps of 26 (832:480 is 26:15)

    // Drag the box to the view's bottom right corner, past the picture's: it stops at the edges, its size
    // kept.
    const QPoint start = view->toWidget(QRectF(before).center()).toPoint();
    const QPoint bottomRight(view->width() - 1, view->height() - 1);
    QVERIFY(view->toImage(bottomRight).x() - view->toImage(start).x() > 400);
    QTest::mousePress(view, Qt::LeftButton, {}, start);
    QTest::mouseMove(view, bottomRight);
    QTest::mouseRelease(view, Qt::LeftButton, {}, bottomRight);
    QRect after = dialog.box().rect();
    QCOMPARE(after.size(), before.size());
    QCOMPARE(after.x() + after.width(), 800);
    QCOMPARE(after.y() + after.height(), 600);

    // And past the top left.
    const QPoint again = view->toWidget(QRectF(after).center()).toPoint();
    QTest::mousePress(view, Qt::LeftButton, {}, again);
    QTest::mouseMove(view, QPoint(1, 1)); // (0, 0) would be read as "the widget's centre"
    QTest::mouseRelease(view, Qt::LeftButton, {}, QPoint(1, 1));
    after = dialog.box().rect();
    QCOMPARE(after.topLeft(), QPoint(0, 0));
    QCOMPARE(after.size(), before.size());

    // A small drag moves it by that much in image pixels.
    const QPointF centre = view->toWidget(QRectF(after).center());
    QTest::mousePress(view, Qt::LeftButton, {}, centre.toPoint());
    const QPointF by = view->toWidget(QPointF(50, 40)) - view->toWidget(QPointF(0, 0));
    QTest::mouseMove(view, (centre + by).toPoint());
    QTest::mouseRelease(view, Qt::LeftButton, {}, (centre + by).toPoint());
    const QRect moved = dialog.box().rect();
    QVERIFY2(std::abs(moved.x() - 50) <= 2 && std::abs(moved.y() - 40) <= 2,
             qPrintable(QStringLiteral("%1,%2").arg(moved.x()).arg(moved.y())));
    QVERIFY(dialog.crop().has_value());
    QCOMPARE(*dialog.crop(), moved);
    QVERIFY2(dialog.summary().contains(QStringLiteral("%1×%2 at (%3, %4)")
                                           .arg(moved.width())
                                           .arg(moved.height())
                                           .arg(moved.x())
                                           .arg(moved.y())),
             qPrintable(dialog.summary()));
    const QSize out = dialog.box().outputSize();
    QVERIFY2(dialog.summary().startsWith(QStringLiteral("Output %1×%2").arg(out.width()).arg(out.height())),
             qPrintable(dialog.summary()));
}

void TestFramingDialog::scalingKeepsAspectAndBounds()
{
    const QSize size(900, 700);
    const QSize target(1280, 720);
    FramingDialog dialog(quarters(size), target, std::nullopt);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QVERIFY(!dialog.crop().has_value()); // opened on the whole image
    const auto check = [&](const char* where) {
        const QRect rect = dialog.box().rect();
        QVERIFY2(inside(rect, size), where);
        QVERIFY2(dialog.box().outputSize() == target, where);
    };

    // The slider: its ends are the smallest and the largest box.
    dialog.scaleSlider()->setValue(0);
    check("slider 0");
    QCOMPARE(dialog.box().rect().width(), dialog.box().minimumWidth());
    QVERIFY(dialog.crop().has_value());
    dialog.scaleSlider()->setValue(dialog.scaleSlider()->maximum());
    check("slider max");
    QCOMPARE(dialog.box().rect().width(), dialog.box().maximumWidth());
    dialog.scaleSlider()->setValue(dialog.scaleSlider()->maximum() / 2);
    check("slider half");
    const int half = dialog.box().rect().width();

    // The wheel scales about the centre and the slider follows.
    const QPointF centre = dialog.view()->toWidget(QRectF(dialog.box().rect()).center());
    sendWheel(dialog.view(), centre, -3);
    check("wheel down");
    QVERIFY(dialog.box().rect().width() < half);
    QVERIFY(dialog.scaleSlider()->value() < dialog.scaleSlider()->maximum() / 2);
    for (int i = 0; i < 20; ++i)
        sendWheel(dialog.view(), centre, 1);
    check("wheel up past the largest");
    QCOMPARE(dialog.box().rect().width(), dialog.box().maximumWidth());
    for (int i = 0; i < 80; ++i)
        sendWheel(dialog.view(), centre, -1);
    check("wheel down past the smallest");
    QCOMPARE(dialog.box().rect().width(), dialog.box().minimumWidth());

    // A corner handle: dragging the bottom right corner outward grows the box, the top left stays.
    dialog.scaleSlider()->setValue(dialog.scaleSlider()->maximum() / 3);
    dialog.setBoxRect(QRect(100, 100, dialog.box().rect().width(), dialog.box().rect().height()));
    const QRect before = dialog.box().rect();
    const QPointF corner =
        dialog.view()->toWidget(QPointF(before.x() + before.width(), before.y() + before.height()));
    const QPointF further = dialog.view()->toWidget(
        QPointF(before.x() + before.width() + 120, before.y() + before.height() + 120));
    QTest::mousePress(dialog.view(), Qt::LeftButton, {}, corner.toPoint());
    QTest::mouseMove(dialog.view(), further.toPoint());
    QTest::mouseRelease(dialog.view(), Qt::LeftButton, {}, further.toPoint());
    const QRect grown = dialog.box().rect();
    check("corner");
    QVERIFY(grown.width() > before.width());
    QVERIFY(std::abs(grown.x() - before.x()) <= 1 && std::abs(grown.y() - before.y()) <= 1);
}

void TestFramingDialog::wholeImageResets()
{
    FramingDialog dialog(quarters({640, 480}), {832, 480}, QRect(10, 10, 208, 120));
    QVERIFY(dialog.crop().has_value());
    QCOMPARE(dialog.crop()->topLeft(), QPoint(10, 10));
    QCOMPARE(dialog.crop()->width(), 208);
    QVERIFY(std::abs(dialog.crop()->height() - 120) <= 2);
    dialog.wholeImageButton()->click();
    QVERIFY(!dialog.crop().has_value());
    QVERIFY(!dialog.view()->showsBox());
    QVERIFY2(dialog.summary().contains(QLatin1String("whole image")), qPrintable(dialog.summary()));
    QVERIFY2(dialog.summary().contains(QStringLiteral("%1×%2")
                                           .arg(i2vOutputSize({640, 480}, 832 * 480).width())
                                           .arg(i2vOutputSize({640, 480}, 832 * 480).height())),
             qPrintable(dialog.summary()));
    // Touching the box again frames again.
    dialog.scaleSlider()->setValue(dialog.scaleSlider()->maximum() / 2);
    QVERIFY(dialog.crop().has_value());
}

void TestFramingDialog::exifRotatedJpegIsFramedUpright()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // Stored 96x64 (landscape), tagged "rotate 90° clockwise to show": shown 64x96 (portrait).
    const QImage stored = quarters({96, 64});
    QByteArray jpeg;
    {
        QBuffer buffer(&jpeg);
        buffer.open(QIODevice::WriteOnly);
        QVERIFY(stored.save(&buffer, "JPEG", 95));
    }
    const QString path = dir.filePath(QStringLiteral("rotated.jpg"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(withExifOrientation(jpeg, 6));
    }

    ImageDropZone zone(dir.filePath(QStringLiteral("stash")));
    zone.setFramingEnabled(true);
    zone.setTargetSize({480, 832});
    QVERIFY(zone.setImageFile(path));
    QCOMPARE(zone.imageSize(), QSize(64, 96));
    // Shown upright: the stored top left (red) is now the top right, the stored bottom left (blue) the top
    // left.
    const QColor topLeft = zone.image().pixelColor(8, 8);
    const QColor topRight = zone.image().pixelColor(56, 8);
    QVERIFY2(topLeft.blue() > 150 && topLeft.red() < 100, qPrintable(topLeft.name()));
    QVERIFY2(topRight.red() > 150 && topRight.green() < 100, qPrintable(topRight.name()));

    FramingDialog dialog(zone.image(), {480, 832}, std::nullopt);
    QCOMPARE(dialog.box().imageSize(), QSize(64, 96));
    // The top half of the shown picture, in shown coordinates.
    dialog.setBoxRect(QRect(0, 0, 27, 47));
    const QRect crop = *dialog.crop();
    QVERIFY(inside(crop, {64, 96}));
    zone.setCrop(crop);
    QCOMPARE(zone.crop(), std::optional<QRect>(crop));
    QCOMPARE(zone.outputSize(), i2vOutputSize(crop.size(), 480 * 832));
    // The rectangle is not inside the stored (unrotated) 96x64 picture's height: it is in shown pixels.
    QVERIFY(crop.bottom() >= 0 && crop.height() <= 96);
    QCOMPARE(zone.image().copy(crop).pixelColor(2, 2).rgb(),
             zone.image().pixelColor(crop.x() + 2, crop.y() + 2).rgb());
#if defined(WAN_TEST_HAS_MEDIA)
    // The engine reads the same picture the same way up, so its crop (Request::imageCrop) cuts the same
    // pixels.
    const auto engine = wan::media::loadImageRgb(path.toStdString(), wan::media::ExifOrientation::Apply);
    QCOMPARE(engine.width, 64);
    QCOMPARE(engine.height, 96);
    const auto at = [&](int x, int y) {
        const std::size_t i = (std::size_t(y) * engine.width + x) * 3;
        return QColor(engine.rgb[i], engine.rgb[i + 1], engine.rgb[i + 2]);
    };
    for (const QPoint p : {QPoint(crop.x() + 2, crop.y() + 2), QPoint(56, 8), QPoint(8, 88)}) {
        const QColor ours = zone.image().pixelColor(p);
        const QColor theirs = at(p.x(), p.y());
        QVERIFY2(std::abs(ours.red() - theirs.red()) < 24 && std::abs(ours.green() - theirs.green()) < 24 &&
                     std::abs(ours.blue() - theirs.blue()) < 24,
                 qPrintable(ours.name() + QLatin1Char(' ') + theirs.name()));
    }
#endif
}

void TestFramingDialog::dropZoneOpensEditorAndShowsCrop()
{
    QTemporaryDir dir;
    ImageDropZone zone(dir.filePath(QStringLiteral("stash")));
    auto* frame = zone.findChild<QPushButton*>(QStringLiteral("frameImageButton"));
    QVERIFY(frame);
    QVERIFY(frame->isHidden()); // only the I2V zone frames
    zone.setFramingEnabled(true);
    zone.setTargetSize({832, 480});
    zone.show();
    QVERIFY(!frame->isHidden());
    QVERIFY(!frame->isEnabled()); // no image yet
    QVERIFY(zone.setImageFile(savePicture(dir, QStringLiteral("a.png"), quarters({1024, 768}))));
    QVERIFY(frame->isEnabled());
    QVERIFY2(zone.message().contains(QLatin1String("Video: 768×576")) ||
                 zone.message().contains(QStringLiteral("Video: %1×%2")
                                             .arg(i2vOutputSize({1024, 768}, 832 * 480).width())
                                             .arg(i2vOutputSize({1024, 768}, 832 * 480).height())),
             qPrintable(zone.message()));

    QSignalSpy cropped(&zone, &ImageDropZone::cropChanged);
    frame->click();
    auto* dialog = zone.findChild<FramingDialog*>();
    QVERIFY(dialog);
    QVERIFY(!dialog->crop().has_value());
    dialog->setBoxRect(QRect(100, 80, 520, 300));
    const QRect chosen = *dialog->crop();
    const QSize out = dialog->box().outputSize();
    dialog->accept();
    QCOMPARE(cropped.count(), 1);
    QCOMPARE(zone.crop(), std::optional<QRect>(chosen));
    QCOMPARE(zone.outputSize(), out);
    QVERIFY(std::abs(out.width() - 832) <= 16 && std::abs(out.height() - 480) <= 16);
    QVERIFY2(zone.message().contains(QStringLiteral("Video: %1×%2 from a crop of %3×%4 at (%5, %6)")
                                         .arg(out.width())
                                         .arg(out.height())
                                         .arg(chosen.width())
                                         .arg(chosen.height())
                                         .arg(chosen.x())
                                         .arg(chosen.y())),
             qPrintable(zone.message()));

    // Double-click opens it on the current crop; "Whole image" and OK drop it.
    QTest::mouseDClick(&zone, Qt::LeftButton, {}, QPoint(20, 20));
    QTRY_VERIFY(zone.findChild<FramingDialog*>() && zone.findChild<FramingDialog*>() != dialog);
    dialog = zone.findChild<FramingDialog*>();
    QCOMPARE(dialog->crop(), std::optional<QRect>(chosen));
    dialog->wholeImageButton()->click();
    dialog->accept();
    QVERIFY(!zone.crop().has_value());
    QCOMPARE(cropped.count(), 2);

    // A crop is cleared when another image comes.
    zone.setCrop(chosen);
    QVERIFY(zone.crop().has_value());
    QVERIFY(zone.setImageFile(savePicture(dir, QStringLiteral("b.png"), quarters({640, 640}))));
    QVERIFY(!zone.crop().has_value());
    // A rectangle outside the image is not taken.
    zone.setCrop(QRect(600, 0, 100, 100));
    QVERIFY(!zone.crop().has_value());
}

void TestFramingDialog::requestRoundTrip()
{
    QTemporaryDir dir;
    const QString image = savePicture(dir, QStringLiteral("photo.png"), quarters({1024, 768}));
    GenerationForm form(nullptr, &negativeFor, {});
    form.setTask(wan::Task::I2V);
    QVERIFY(form.imageDropZone()->setImageFile(image));
    form.imageDropZone()->setCrop(QRect(64, 32, 624, 360));

    const wan::Request request = form.request();
    QVERIFY(request.imageCrop.has_value());
    QVERIFY((*request.imageCrop == wan::ImageCrop{64, 32, 624, 360}));

    // settings.json (the gallery's "Load settings") and back into another form.
    const wan::Request fromSettings = wan::fromJson(wan::toJson(request));
    QVERIFY(fromSettings.imageCrop == request.imageCrop);
    GenerationForm other(nullptr, &negativeFor, {});
    other.setRequest(fromSettings);
    QCOMPARE(other.imageDropZone()->crop(), std::optional<QRect>(QRect(64, 32, 624, 360)));
    QVERIFY(other.request().imageCrop == request.imageCrop);

    // The queued job (queue.json).
    RenderJob job;
    job.id = QUuid::createUuid();
    job.request = request;
    job.request.outputPath = "out.mp4";
    const auto back = jobFromJson(jobToJson(job));
    QVERIFY(back.has_value());
    QVERIFY(back->request.imageCrop == request.imageCrop);
    QVERIFY(QJsonDocument(jobToJson(job)).toJson().contains("\"image_crop\""));

    // The draft taken before editing a queued job, and put back after.
    const FormDraft draft = takeFormDraft(form);
    QCOMPARE(draft.imageCrop, std::optional<QRect>(QRect(64, 32, 624, 360)));
    form.imageDropZone()->setCrop(std::nullopt);
    QVERIFY(!form.request().imageCrop.has_value());
    restoreFormDraft(form, draft);
    QCOMPARE(form.imageDropZone()->crop(), std::optional<QRect>(QRect(64, 32, 624, 360)));

    // No crop: none in the request, none written.
    form.imageDropZone()->setCrop(std::nullopt);
    QVERIFY(wan::toJson(form.request()).find("image_crop") == std::string::npos);
}

void TestFramingDialog::cropRefitsToANewSize()
{
    QTemporaryDir dir;
    ImageDropZone zone(dir.filePath(QStringLiteral("stash")));
    zone.setFramingEnabled(true);
    zone.setTargetSize({832, 480});
    QVERIFY(zone.setImageFile(savePicture(dir, QStringLiteral("a.png"), quarters({1600, 1200}))));
    FramingBox box({1600, 1200}, {832, 480});
    box.setWidth(900);
    box.moveCenterTo({700, 500});
    const QRect landscape = box.rect();
    zone.setCrop(landscape);
    QCOMPARE(zone.crop(), std::optional<QRect>(landscape));
    QSignalSpy cropped(&zone, &ImageDropZone::cropChanged);

    zone.setTargetSize({832, 480}); // the same size: the framing stays as it is
    QCOMPARE(cropped.count(), 0);
    QCOMPARE(zone.crop(), std::optional<QRect>(landscape));

    // Portrait: a box of the new aspect about the same centre and area.
    zone.setTargetSize({480, 832});
    QCOMPARE(cropped.count(), 1);
    const QRect portrait = *zone.crop();
    QVERIFY(QRect(0, 0, 1600, 1200).contains(portrait));
    QVERIFY2(std::abs(double(portrait.width()) / portrait.height() - 480.0 / 832.0) < 0.01,
             qPrintable(QStringLiteral("%1x%2").arg(portrait.width()).arg(portrait.height())));
    QVERIFY((QRectF(portrait).center() - QRectF(landscape).center()).manhattanLength() <= 4.0);
    const double areaRatio =
        double(portrait.width()) * portrait.height() / (double(landscape.width()) * landscape.height());
    QVERIFY2(areaRatio > 0.97 && areaRatio < 1.03, qPrintable(QString::number(areaRatio)));
    const QSize out = zone.outputSize();
    QCOMPARE(out, i2vOutputSize(portrait.size(), 480 * 832));
    QVERIFY2(std::abs(out.width() - 480) <= 16 && std::abs(out.height() - 832) <= 16,
             qPrintable(QStringLiteral("%1x%2").arg(out.width()).arg(out.height())));
    QVERIFY2(zone.message().contains(QStringLiteral("Video: %1×%2 from a crop of %3×%4")
                                         .arg(out.width())
                                         .arg(out.height())
                                         .arg(portrait.width())
                                         .arg(portrait.height())),
             qPrintable(zone.message()));

    // Back to landscape: about the first box again.
    zone.setTargetSize({832, 480});
    QCOMPARE(cropped.count(), 2);
    const QRect again = *zone.crop();
    QVERIFY2(std::abs(again.width() - landscape.width()) <= 16 &&
                 (QRectF(again).center() - QRectF(landscape).center()).manhattanLength() <= 8.0,
             qPrintable(QStringLiteral("%1,%2 %3x%4")
                            .arg(again.x())
                            .arg(again.y())
                            .arg(again.width())
                            .arg(again.height())));

    // A box near the edge grows inside the image, never past it.
    FramingBox edge({1600, 1200}, {832, 480});
    edge.setWidth(1600);
    zone.setCrop(edge.rect());
    zone.setTargetSize({720, 1280});
    QVERIFY(QRect(0, 0, 1600, 1200).contains(*zone.crop()));
    QCOMPARE(zone.crop()->height(), 1200);
}

void TestFramingDialog::screenshot()
{
    QImage photo(1200, 900, QImage::Format_RGB32);
    {
        QPainter p(&photo);
        QLinearGradient sky(0, 0, 0, 900);
        sky.setColorAt(0.0, QColor(40, 90, 170));
        sky.setColorAt(0.6, QColor(250, 190, 120));
        sky.setColorAt(1.0, QColor(60, 50, 40));
        p.fillRect(photo.rect(), sky);
        p.setBrush(QColor(255, 230, 150));
        p.setPen(Qt::NoPen);
        p.drawEllipse(QPoint(760, 520), 90, 90);
        p.setBrush(QColor(30, 30, 40));
        p.drawRect(0, 640, 1200, 260);
        p.drawPolygon(QPolygon({QPoint(200, 640), QPoint(330, 420), QPoint(460, 640)}));
    }
    FramingDialog dialog(photo, {832, 480}, std::nullopt);
    dialog.resize(820, 680);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.scaleSlider()->setValue(600);
    dialog.setBoxRect(QRect(380, 300, dialog.box().rect().width(), dialog.box().rect().height()));
    QTest::qWait(30);
    const QString shots = QStringLiteral(WAN_UI_TEST_OUTPUT_DIR);
    QDir().mkpath(shots);
    QVERIFY(dialog.grab().save(QDir(shots).filePath(QStringLiteral("framing_dialog.png"))));
}

QTEST_MAIN(TestFramingDialog)
#include "test_framingdialog.moc"
