// The i2v crop rectangle (Request::imageCrop): a cropped run equals the same run on the image cut beforehand,
// a rectangle outside the image is refused naming the image, its size and the rectangle; its settings.json
// form, text form and rules; the output size rule shared with the front ends (wan::imageToVideoSize).
#include "media/Image.h"
#include "media/Png.h"
#include "pipeline/EngineInternals.h"
#include "pipeline/Geometry.h"
#include "pipeline/InputImage.h"
#include "support/TestSupport.h"
#include "wan/Pipeline.h"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

#include <filesystem>

using namespace wan;
namespace fs = std::filesystem;

namespace {

// The fixture's i2v request (e2e_i2v_unipc: 80x48 image, max area 3072, 9 frames), with fewer steps.
Request fixtureRequest(const fs::path& outDir)
{
    const auto dir = test::fixturesDir() / "wan-tiny-i2v";
    Request r;
    r.task = Task::I2V;
    r.ckptDir = dir;
    r.image = dir / "reference" / "i2v_input.png";
    r.prompt = "a white cat on a surfboard";
    r.width = 3072;
    r.height = 1;
    r.frameNum = 9;
    r.steps = 2;
    r.shift = 3.0;
    r.seed = 7;
    r.device = "cpu";
    r.precision = Precision::Float32;
    r.latentsPath = outDir / "latents.safetensors";
    return r;
}

torch::Tensor finalLatents(Engine& engine, const Request& r, Result* result = nullptr)
{
    const Result done = engine.run(r);
    if (result)
        *result = done;
    if (done.status != JobStatus::Done)
        return {};
    return io::loadSafetensors(r.latentsPath).at("latents");
}

Request valid()
{
    Request r = defaultRequest(Task::I2V, ModelSize::Large);
    r.image = "in.png";
    r.outputPath = "out.mp4";
    return r;
}

QString errorOf(const Request& r)
{
    try {
        validate(r);
    } catch (const Error& e) {
        return QString::fromStdString(e.reason() + ": " + e.what());
    }
    return {};
}

} // namespace

class TestImageCrop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void outputSizeIsTheEngineRule_data();
    void outputSizeIsTheEngineRule();
    void textForm();
    void jsonRoundTrip();
    void jsonReadsStrictly_data();
    void jsonReadsStrictly();
    void validationRules();
    void cropCutsTheShownImage();
    void croppedRunEqualsPrecroppedImage();
    void rectangleOutsideTheImageIsRefused();

private:
    Engine m_engine;
};

void TestImageCrop::initTestCase()
{
    at::set_num_threads(2);
}

void TestImageCrop::outputSizeIsTheEngineRule_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<qint64>("maxArea");
    QTest::newRow("fixture 80x48") << 80 << 48 << qint64(3072);
    QTest::newRow("crop 48x40") << 48 << 40 << qint64(3072);
    QTest::newRow("4:3 at 480p") << 1024 << 768 << qint64(832 * 480);
    QTest::newRow("portrait at 720p") << 720 << 1280 << qint64(1280 * 720);
    QTest::newRow("832x480 box at 480p") << 832 << 480 << qint64(832 * 480);
    QTest::newRow("odd crop") << 333 << 517 << qint64(1280 * 720);
}

void TestImageCrop::outputSizeIsTheEngineRule()
{
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(qint64, maxArea);
    const auto g = pipeline::imageToVideoGeometry(width, height, maxArea, 81);
    const auto [w, h] = imageToVideoSize(width, height, maxArea);
    QCOMPARE(w, g.width);
    QCOMPARE(h, g.height);
    QCOMPARE(w % kSizeMultiple, 0);
    QCOMPARE(h % kSizeMultiple, 0);
    QVERIFY(std::int64_t(w) * h <= maxArea);
    QCOMPARE(imageToVideoSize(0, height, maxArea), (std::pair<int, int>{0, 0}));
    QCOMPARE(imageToVideoSize(width, height, 0), (std::pair<int, int>{0, 0}));
}

void TestImageCrop::textForm()
{
    const auto crop = imageCropFromText("8,4,48,40");
    QVERIFY(crop.has_value());
    QVERIFY((*crop == ImageCrop{8, 4, 48, 40}));
    QCOMPARE(toString(*crop), std::string("8,4,48,40"));
    for (const char* bad : {"", "8,4,48", "8,4,48,40,1", "8;4;48;40", "a,4,48,40", "8,4,48,40 ", "-8,4,48,40",
                            "+8,4,48,40", "8,,48,40", "99999999999,0,1,1"})
        QVERIFY2(!imageCropFromText(bad).has_value(), bad);
}

void TestImageCrop::jsonRoundTrip()
{
    Request r = valid();
    r.imageCrop = ImageCrop{12, 34, 560, 320};
    const std::string json = toJson(r);
    QVERIFY2(json.find("\"image_crop\"") != std::string::npos, json.c_str());
    const Request back = fromJson(json);
    QVERIFY(back.imageCrop.has_value());
    QVERIFY(*back.imageCrop == *r.imageCrop);

    // No crop: no key, and a file written before the key existed loads without one.
    r.imageCrop.reset();
    const std::string whole = toJson(r);
    QVERIFY2(whole.find("image_crop") == std::string::npos, whole.c_str());
    QVERIFY(!fromJson(whole).imageCrop.has_value());
    QVERIFY(!fromJson(R"({"version": 1, "task": "i2v", "image": "in.png"})").imageCrop.has_value());
}

void TestImageCrop::jsonReadsStrictly_data()
{
    QTest::addColumn<QString>("value");
    QTest::newRow("not a list") << QStringLiteral(R"("1,2,3,4")");
    QTest::newRow("three numbers") << QStringLiteral("[1, 2, 3]");
    QTest::newRow("five numbers") << QStringLiteral("[1, 2, 3, 4, 5]");
    QTest::newRow("fraction") << QStringLiteral("[1.5, 2, 3, 4]");
    QTest::newRow("negative origin") << QStringLiteral("[-1, 2, 3, 4]");
    QTest::newRow("zero width") << QStringLiteral("[1, 2, 0, 4]");
    QTest::newRow("string item") << QStringLiteral(R"([1, 2, "3", 4])");
    QTest::newRow("huge") << QStringLiteral("[1, 2, 3, 99999999999]");
}

void TestImageCrop::jsonReadsStrictly()
{
    QFETCH(QString, value);
    const std::string json =
        R"({"task": "i2v", "image": "in.png", "image_crop": )" + value.toStdString() + "}";
    try {
        fromJson(json, "settings.json");
        QFAIL("accepted a bad image_crop");
    } catch (const Error& e) {
        const QString message = QString::fromUtf8(e.what());
        QCOMPARE(e.reason(), std::string(reason::kJsonValue));
        QVERIFY2(message.contains(QLatin1String("\"image_crop\"")), e.what());
        QVERIFY2(message.contains(QLatin1String("settings.json")), e.what());
    }
}

void TestImageCrop::validationRules()
{
    Request r = valid();
    r.imageCrop = ImageCrop{0, 0, 64, 64};
    QCOMPARE(errorOf(r), QString());

    r.imageCrop = ImageCrop{0, 0, 0, 64};
    QVERIFY2(errorOf(r).startsWith(QLatin1String("image_crop:")), qPrintable(errorOf(r)));
    r.imageCrop = ImageCrop{-1, 0, 64, 64};
    QVERIFY2(errorOf(r).startsWith(QLatin1String("image_crop:")), qPrintable(errorOf(r)));

    // Only image-to-video: first-last-frame-to-video takes its aspect from the whole first frame.
    Request flf2v = defaultRequest(Task::FLF2V, ModelSize::Large);
    flf2v.firstFrame = "first.png";
    flf2v.lastFrame = "last.png";
    flf2v.outputPath = "out.mp4";
    QCOMPARE(errorOf(flf2v), QString());
    flf2v.imageCrop = ImageCrop{0, 0, 64, 64};
    QVERIFY2(errorOf(flf2v).startsWith(QLatin1String("input_not_for_task:")), qPrintable(errorOf(flf2v)));
    QVERIFY2(errorOf(flf2v).contains(QLatin1String("crop")), qPrintable(errorOf(flf2v)));
}

void TestImageCrop::cropCutsTheShownImage()
{
    media::RgbImage image;
    image.width = 5;
    image.height = 4;
    for (int i = 0; i < image.width * image.height * 3; ++i)
        image.rgb.push_back(std::uint8_t(i));
    const auto cut = pipeline::cropImage(image, ImageCrop{1, 2, 3, 2}, "grid.png");
    QCOMPARE(cut.width, 3);
    QCOMPARE(cut.height, 2);
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 3; ++x)
            for (int c = 0; c < 3; ++c)
                QCOMPARE(int(cut.rgb[std::size_t((y * 3 + x) * 3 + c)]),
                         int(image.rgb[std::size_t(((y + 2) * 5 + x + 1) * 3 + c)]));
    // The whole image is a valid rectangle; one pixel more is not.
    QCOMPARE(pipeline::cropImage(image, ImageCrop{0, 0, 5, 4}, "grid.png").rgb, image.rgb);
    QVERIFY_THROWS_EXCEPTION(Error, pipeline::cropImage(image, ImageCrop{1, 0, 5, 4}, "grid.png"));
}

void TestImageCrop::croppedRunEqualsPrecroppedImage()
{
    WAN_REQUIRE_FIXTURES();
    QTemporaryDir out;
    QVERIFY(out.isValid());
    const fs::path outDir = out.path().toStdString();

    // The rectangle's aspect (48:40) is not the image's (80:48): the video follows the rectangle.
    const ImageCrop crop{8, 4, 48, 40};
    Request cropped = fixtureRequest(outDir);
    cropped.imageCrop = crop;
    Result croppedResult;
    const auto croppedLatents = finalLatents(m_engine, cropped, &croppedResult);
    QVERIFY2(croppedResult.status == JobStatus::Done, croppedResult.error.c_str());
    const auto [expectedWidth, expectedHeight] = imageToVideoSize(crop.width, crop.height, 3072);
    QCOMPARE(croppedResult.width, expectedWidth);
    QCOMPARE(croppedResult.height, expectedHeight);
    QVERIFY(croppedResult.width != 64 || croppedResult.height != 32); // the whole image gives 64x32

    // The same picture cut beforehand (with torch, not the engine's crop) and given whole.
    const auto whole = media::loadImageRgb(cropped.image, media::ExifOrientation::Apply);
    const auto pixels = torch::from_blob(const_cast<std::uint8_t*>(whole.rgb.data()),
                                         {whole.height, whole.width, 3}, torch::kUInt8)
                            .narrow(0, crop.y, crop.height)
                            .narrow(1, crop.x, crop.width)
                            .contiguous();
    media::RgbImage precut;
    precut.width = crop.width;
    precut.height = crop.height;
    precut.rgb.assign(pixels.data_ptr<std::uint8_t>(), pixels.data_ptr<std::uint8_t>() + pixels.numel());
    Request precropped = fixtureRequest(outDir);
    precropped.image = outDir / "precut.png";
    media::writePng(precropped.image, precut);
    precropped.latentsPath = outDir / "precut-latents.safetensors";
    Result precroppedResult;
    const auto precroppedLatents = finalLatents(m_engine, precropped, &precroppedResult);
    QVERIFY2(precroppedResult.status == JobStatus::Done, precroppedResult.error.c_str());

    QCOMPARE(croppedLatents.sizes().vec(), precroppedLatents.sizes().vec());
    QVERIFY2(torch::equal(croppedLatents, precroppedLatents), "the cropped run's latents differ");
}

void TestImageCrop::rectangleOutsideTheImageIsRefused()
{
    WAN_REQUIRE_FIXTURES();
    QTemporaryDir out;
    QVERIFY(out.isValid());
    Request r = fixtureRequest(out.path().toStdString());
    r.imageCrop = ImageCrop{40, 8, 48, 40}; // 40 + 48 > 80
    // A fresh engine: the refusal comes before any model is loaded (no Loading stage reported).
    Engine fresh;
    std::vector<Stage> stages;
    Callbacks callbacks;
    callbacks.onProgress = [&stages](const Progress& p) { stages.push_back(p.stage); };
    const Result result = fresh.run(r, callbacks);
    QVERIFY2(std::find(stages.begin(), stages.end(), Stage::Loading) == stages.end(),
             "the crop was checked only after the models started loading");
    QCOMPARE(int(result.status), int(JobStatus::Failed));
    QCOMPARE(int(result.errorKind), int(ErrorKind::InvalidArgument));
    QCOMPARE(result.errorReason, std::string(reason::kImageCrop));
    const QString message = QString::fromStdString(result.error);
    for (const char* part : {"i2v_input.png", "80x48", "48x40 at (40, 8)"})
        QVERIFY2(message.contains(QLatin1String(part)), qPrintable(message));
    QVERIFY(!fs::exists(r.latentsPath));
}

QTEST_GUILESS_MAIN(TestImageCrop)
#include "test_image_crop.moc"
