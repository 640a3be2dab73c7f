// MP4 export and read-back, atomic writes, PNG and input image decoding (wan_media).

#include "media/ExifOrientation.h"
#include "media/Image.h"
#include "media/Mp4Writer.h"
#include "media/PartialFile.h"
#include "media/Png.h"
#include "media/VideoExport.h"
#include "media/VideoReader.h"
#include "wan/Error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <sys/resource.h>
#include <unistd.h>

#if WAN_MEDIA_HAS_FFMPEG
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
}
#endif
#if WAN_MEDIA_HAS_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#endif

using namespace wan::media;
namespace fs = std::filesystem;

Q_DECLARE_METATYPE(wan::ErrorKind)

namespace {

fs::path toPath(const QString& path)
{
    return fs::path(path.toStdString());
}

// Smooth moving gradients: what H.264 handles well, so the error bound stays tight.
VideoFrames gradientFrames(int width, int height, int count)
{
    VideoFrames frames{width, height, count, {}};
    frames.rgb.resize(std::size_t(count) * frames.frameBytes());
    for (int f = 0; f < count; ++f) {
        std::uint8_t* p = frames.frame(f);
        for (int y = 0; y < height; ++y) {
            for (int x = 0; x < width; ++x) {
                *p++ = std::uint8_t(40 + (x * 160) / width + f * 4);
                *p++ = std::uint8_t(30 + (y * 180) / height);
                *p++ = std::uint8_t(200 - ((x + y) * 120) / (width + height) - f * 3);
            }
        }
    }
    return frames;
}

std::vector<std::uint8_t> noise(std::size_t bytes, unsigned seed)
{
    std::mt19937 generator(seed);
    std::vector<std::uint8_t> data(bytes);
    for (auto& b : data)
        b = std::uint8_t(generator());
    return data;
}

VideoFrames noiseFrames(int width, int height, int count)
{
    VideoFrames frames{width, height, count, {}};
    frames.rgb = noise(std::size_t(count) * frames.frameBytes(), 7);
    return frames;
}

template <typename F> std::optional<wan::Error> errorFrom(F&& function)
{
    try {
        function();
    } catch (const wan::Error& error) {
        return error;
    }
    return std::nullopt;
}

QStringList filesIn(const QString& dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden);
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// Lowers the process's file size limit so that writes fail mid-file like on a full disk; restored on scope
// exit.
class FileSizeLimit
{
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        m_oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        getrlimit(RLIMIT_FSIZE, &m_old);
        rlimit limit = m_old;
        limit.rlim_cur = bytes;
        m_ok = setrlimit(RLIMIT_FSIZE, &limit) == 0;
    }
    ~FileSizeLimit()
    {
        setrlimit(RLIMIT_FSIZE, &m_old);
        std::signal(SIGXFSZ, m_oldHandler);
    }
    bool ok() const { return m_ok; }

private:
    rlimit m_old{};
    void (*m_oldHandler)(int) = nullptr;
    bool m_ok = false;
};

MediaMetadata settingsMetadata()
{
    MediaMetadata metadata;
    metadata.tags[tag::kPrompt] =
        "A cat surfing a wave at sunset, \"cinematic\"\n一只在海浪上冲浪的猫 " + std::string(1500, 'x');
    metadata.tags[tag::kNegativePrompt] = "blurry, low quality";
    metadata.tags[tag::kSeed] = "1234567890123";
    metadata.tags[tag::kSteps] = "50";
    metadata.tags[tag::kSolver] = "unipc";
    metadata.tags[tag::kShift] = "5";
    metadata.tags[tag::kGuidance] = "5";
    metadata.tags[tag::kModel] = "Wan2.1-T2V-1.3B";
    metadata.tags[tag::kSize] = "832*480";
    metadata.tags[tag::kFrames] = "81";
    metadata.tags[tag::kAppVersion] = "0.1.0";
    return metadata;
}

#if WAN_MEDIA_HAS_FFMPEG
// 8-bit planar frames (Y, U, V of one size each, no padding), decoded straight from a file with FFmpeg: what
// the encoder's bitstream holds, before any conversion to RGB.
struct Planes
{
    int width = 0, height = 0;
    int format = -1; // AVPixelFormat
    std::vector<std::vector<std::uint8_t>> frames;
};

void appendPlanes(const AVFrame* frame, Planes& planes)
{
    std::vector<std::uint8_t> bytes;
    bytes.reserve(std::size_t(frame->width) * std::size_t(frame->height) * 3);
    for (int plane = 0; plane < 3; ++plane)
        for (int y = 0; y < frame->height; ++y) {
            const std::uint8_t* row = frame->data[plane] + std::ptrdiff_t(y) * frame->linesize[plane];
            bytes.insert(bytes.end(), row, row + frame->width);
        }
    planes.width = frame->width;
    planes.height = frame->height;
    planes.format = frame->format;
    planes.frames.push_back(std::move(bytes));
}

Planes decodePlanes(const QString& path)
{
    Planes planes;
    AVFormatContext* format = nullptr;
    if (avformat_open_input(&format, path.toUtf8().constData(), nullptr, nullptr) < 0)
        return planes;
    const auto closeFormat = qScopeGuard([&] { avformat_close_input(&format); });
    if (avformat_find_stream_info(format, nullptr) < 0)
        return planes;
    const AVCodec* codec = nullptr;
    const int stream = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (stream < 0 || !codec)
        return planes;
    AVCodecContext* decoder = avcodec_alloc_context3(codec);
    AVFrame* frame = av_frame_alloc();
    AVPacket* packet = av_packet_alloc();
    const auto release = qScopeGuard([&] {
        av_packet_free(&packet);
        av_frame_free(&frame);
        avcodec_free_context(&decoder);
    });
    avcodec_parameters_to_context(decoder, format->streams[stream]->codecpar);
    if (avcodec_open2(decoder, codec, nullptr) < 0)
        return planes;
    const auto drain = [&] {
        while (avcodec_receive_frame(decoder, frame) >= 0) {
            appendPlanes(frame, planes);
            av_frame_unref(frame);
        }
    };
    while (av_read_frame(format, packet) >= 0) {
        if (packet->stream_index == stream)
            avcodec_send_packet(decoder, packet);
        av_packet_unref(packet);
        drain();
    }
    avcodec_send_packet(decoder, nullptr);
    drain();
    return planes;
}

// RGB frames as the writer converts them for a lossless encode: yuv444p, BT.709 limited range, with the
// same converter settings as Mp4Writer.
Planes yuv444Of(const VideoFrames& rgb)
{
    Planes planes;
    SwsContext* scaler =
        sws_getContext(rgb.width, rgb.height, AV_PIX_FMT_RGB24, rgb.width, rgb.height, AV_PIX_FMT_YUV444P,
                       SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP, nullptr, nullptr, nullptr);
    sws_setColorspaceDetails(scaler, sws_getCoefficients(SWS_CS_ITU709), 1,
                             sws_getCoefficients(SWS_CS_ITU709), 0, 0, 1 << 16, 1 << 16);
    AVFrame* frame = av_frame_alloc();
    frame->format = AV_PIX_FMT_YUV444P;
    frame->width = rgb.width;
    frame->height = rgb.height;
    av_frame_get_buffer(frame, 0);
    for (int i = 0; i < rgb.count; ++i) {
        const std::uint8_t* source[1] = {rgb.frame(i)};
        const int strides[1] = {rgb.width * 3};
        sws_scale(scaler, source, strides, 0, rgb.height, frame->data, frame->linesize);
        appendPlanes(frame, planes);
    }
    av_frame_free(&frame);
    sws_freeContext(scaler);
    return planes;
}
#endif

} // namespace

class TestMedia final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mp4RoundTrip_data();
    void mp4RoundTrip();
    void mp4FirstFrameOnly();
    void stalePartialsOfATargetAreRemoved();
    void exportFormats_data();
    void exportFormats();
    void exportPngSequence();
    void exportRefusals();
    void exportReportsEachFrame_data();
    void exportReportsEachFrame();
    void losslessExport_data();
    void losslessExport();
    void pngMetadataRoundTrip();
    void mp4CancelLeavesNothing();
    void mp4UnfinishedWriterLeavesNothing();
    void mp4BadDestination_data();
    void mp4BadDestination();
    void mp4ProtocolLikeNames_data();
    void mp4ProtocolLikeNames();
    void writeFailureKeepsExistingFile_data();
    void writeFailureKeepsExistingFile();
    void mp4RejectsBadInput();
    void readVideoErrors();
    void metadataJson();
    void pngRoundTripExact();
    void pngSequence();
    void sequenceNames_data();
    void sequenceNames();
    void imageErrors_data();
    void imageErrors();
    void imageFormats_data();
    void imageFormats();
    void exifOrientation();
    void exifOrientationsAreApplied_data();
    void exifOrientationsAreApplied();
    void exifOrientationTransforms();
    void exifParserSurvivesDamage();
    void encodeForPrompt_data();
    void encodeForPrompt();
    void encodeForPromptRejectsBadImages();
    void missingBackendsSayWhy();
};

void TestMedia::mp4RoundTrip_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("frames");
    QTest::addColumn<int>("fps");
    QTest::addColumn<int>("crf");
    QTest::addColumn<double>("meanAbsBound");

    // H.264 in yuv420p is lossy even at CRF 0 (chroma is subsampled): bounds are mean abs error per channel.
    QTest::newRow("48x32, 9 frames, CRF 17") << 48 << 32 << 9 << 16 << 17 << 3.0;
    QTest::newRow("64x48, 5 frames, 24 fps, CRF 0") << 64 << 48 << 5 << 24 << 0 << 2.0;
    QTest::newRow("odd 33x17, 1 frame (padded to 34x18)") << 33 << 17 << 1 << 16 << 17 << 3.0;
}

void TestMedia::mp4RoundTrip()
{
#if !WAN_MEDIA_HAS_FFMPEG
    QSKIP("built without WAN_WITH_FFMPEG");
#endif
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, frames);
    QFETCH(int, fps);
    QFETCH(int, crf);
    QFETCH(double, meanAbsBound);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const fs::path path = toPath(dir.filePath("out.mp4"));
    const VideoFrames input = gradientFrames(width, height, frames);
    Mp4Options options;
    options.fps = fps;
    options.crf = crf;
    options.metadata = settingsMetadata();
    writeMp4(path, input, options);
    QCOMPARE(filesIn(dir.path()), QStringList{"out.mp4"});

    VideoInfo info;
    const VideoFrames output = readVideoFrames(path, -1, &info);
    const int codedWidth = width + (width & 1);
    const int codedHeight = height + (height & 1);
    QCOMPARE(info.frameCount, frames);
    QCOMPARE(output.count, frames);
    QCOMPARE(info.width, codedWidth);
    QCOMPARE(info.height, codedHeight);
    QCOMPARE(output.width, codedWidth);
    QCOMPARE(info.fps, double(fps));
    QVERIFY(info.metadata.tags == options.metadata.tags);
    QCOMPARE(info.containerTags["title"], options.metadata.tags[tag::kPrompt]);

    double sum = 0.0;
    int maxAbs = 0;
    for (int f = 0; f < frames; ++f) {
        for (int y = 0; y < height; ++y) {
            for (int x = 0; x < width * 3; ++x) {
                const int a = input.frame(f)[std::size_t(y) * width * 3 + x];
                const int b = output.frame(f)[std::size_t(y) * codedWidth * 3 + x];
                sum += std::abs(a - b);
                maxAbs = std::max(maxAbs, std::abs(a - b));
            }
        }
    }
    const double meanAbs = sum / (double(frames) * width * height * 3);
    qInfo("mean abs error %.3f (bound %.1f), max abs error %d", meanAbs, meanAbsBound, maxAbs);
    QVERIFY2(meanAbs < meanAbsBound, qPrintable(QString::number(meanAbs)));

    const VideoInfo probed = probeVideo(path);
    QCOMPARE(probed.frameCount, frames);
}

void TestMedia::mp4FirstFrameOnly()
{
#if !WAN_MEDIA_HAS_FFMPEG
    QSKIP("built without WAN_WITH_FFMPEG");
#endif
    QTemporaryDir dir;
    const fs::path path = toPath(dir.filePath("thumb.mp4"));
    writeMp4(path, gradientFrames(32, 32, 6));
    const VideoFrames first = readVideoFrames(path, 1);
    QCOMPARE(first.count, 1);
    QCOMPARE(first.rgb.size(), std::size_t(32 * 32 * 3));
    QVERIFY(probeVideo(path).metadata.tags.empty());
}

void TestMedia::mp4CancelLeavesNothing()
{
#if !WAN_MEDIA_HAS_FFMPEG
    QSKIP("built without WAN_WITH_FFMPEG");
#endif
    QTemporaryDir dir;
    const QString existing = dir.filePath("out.mp4");
    QVERIFY(writeBytes(existing, "previous video"));
    wan::CancelToken cancel;
    cancel.cancel();
    const auto error = errorFrom([&] { writeMp4(toPath(existing), gradientFrames(48, 32, 9), {}, &cancel); });
    QVERIFY(error);
    QCOMPARE(error->kind(), wan::ErrorKind::Cancelled);
    QCOMPARE(filesIn(dir.path()), QStringList{"out.mp4"});
    QCOMPARE(readAll(existing), QByteArray("previous video"));
}

void TestMedia::mp4UnfinishedWriterLeavesNothing()
{
#if !WAN_MEDIA_HAS_FFMPEG
    QSKIP("built without WAN_WITH_FFMPEG");
#endif
    QTemporaryDir dir;
    const VideoFrames frames = gradientFrames(48, 32, 9);
    {
        Mp4Writer writer(toPath(dir.filePath("out.mp4")), 48, 32);
        for (int i = 0; i < 5; ++i)
            writer.writeFrame(frames.frame(i));
        QCOMPARE(writer.framesWritten(), 5);
        const QStringList partial = filesIn(dir.path());
        QCOMPARE(partial.size(), 1);
        QVERIFY2(QRegularExpression("^out\\.partial-[a-z0-9]{6}\\.mp4$").match(partial[0]).hasMatch(),
                 qPrintable(partial[0]));
        // Cancelled mid-write: the writer goes out of scope unfinished.
    }
    QCOMPARE(filesIn(dir.path()), QStringList{});

    Mp4Writer writer(toPath(dir.filePath("out.mp4")), 48, 32);
    writer.writeFrame(frames.frame(0));
    writer.discard();
    QCOMPARE(filesIn(dir.path()), QStringList{});
    QVERIFY(errorFrom([&] { writer.writeFrame(frames.frame(1)); }));
}

void TestMedia::stalePartialsOfATargetAreRemoved()
{
    namespace fs = std::filesystem;
    QTemporaryDir dir;
    const fs::path target = toPath(dir.filePath("out.mp4"));
    auto touch = [&](const char* name) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("x");
    };
    // Left by a killed run: this target's partials, plus names that are not (another target, another
    // extension, a user's file that only looks alike) and must stay.
    for (const char* name :
         {"out.partial-abc123.mp4", "out.partial-zz9999.mp4", "other.partial-abc123.mp4",
          "out.partial-abc123.png", "out.partial-ABC123.mp4", "out.partial-abc12.mp4", "out.mp4"})
        touch(name);
    const auto old = fs::file_time_type::clock::now() - std::chrono::hours(1);
    for (const auto& entry : fs::directory_iterator(toPath(dir.path())))
        fs::last_write_time(entry.path(), old);
    // One written after the cut-off: a writer running now.
    touch("out.partial-new111.mp4");
    const auto cutoff = fs::file_time_type::clock::now() - std::chrono::minutes(30);
    QCOMPARE(wan::media::removeStalePartials(target, cutoff), 2);
    QStringList left = filesIn(dir.path());
    left.sort();
    QCOMPARE(left,
             (QStringList{"other.partial-abc123.mp4", "out.mp4", "out.partial-ABC123.mp4",
                          "out.partial-abc12.mp4", "out.partial-abc123.png", "out.partial-new111.mp4"}));
    QCOMPARE(wan::media::removeStalePartials(fs::path(), cutoff), 0);
    QCOMPARE(wan::media::removeStalePartials(toPath(dir.filePath("missing/out.mp4")), cutoff), 0);
}

void TestMedia::exportFormats_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("codec");
    QTest::addColumn<int>("fps");
    QTest::addColumn<bool>("keepsMetadata");
    QTest::addColumn<double>("meanAbsBound"); // against the source video's decoded frames; 0: exact

    QTest::newRow("H.264 MP4, 24 fps") << int(ExportFormat::Mp4H264) << "h264" << 24 << true << 3.0;
    QTest::newRow("H.265 MP4") << int(ExportFormat::Mp4H265) << "hevc" << 16 << true << 3.0;
    QTest::newRow("VP9 WebM, 30 fps") << int(ExportFormat::WebmVp9) << "vp9" << 30 << true << 3.0;
    QTest::newRow("FFV1 MKV (lossless)") << int(ExportFormat::MkvFfv1) << "ffv1" << 16 << true << 0.0;
    QTest::newRow("GIF") << int(ExportFormat::Gif) << "gif" << 10 << false << 12.0;
}

void TestMedia::exportFormats()
{
#if !WAN_MEDIA_HAS_FFMPEG
    QSKIP("built without WAN_WITH_FFMPEG");
#endif
    QFETCH(int, format);
    QFETCH(QString, codec);
    QFETCH(int, fps);
    QFETCH(bool, keepsMetadata);
    QFETCH(double, meanAbsBound);
    const auto exportFormat = ExportFormat(format);
    QVERIFY2(exportSupported(exportFormat), "the FFmpeg this project installs has every export encoder");

    QTemporaryDir dir;
    const fs::path source = toPath(dir.filePath("result.mp4"));
    Mp4Options original;
    original.metadata = settingsMetadata();
    writeMp4(source, gradientFrames(48, 32, 9), original);
    const QByteArray sourceBytes = readAll(dir.filePath("result.mp4"));
    const VideoFrames decodedSource = readVideoFrames(source);

    const fs::path target = toPath(
        dir.filePath(QStringLiteral("export.") + QString::fromStdString(exportExtension(exportFormat))));
    ExportOptions options;
    options.format = exportFormat;
    options.fps = fps;
    options.metadata.tags["exported"] = "yes";
    const auto error = errorFrom([&] { exportVideo(source, target, options); });
    QVERIFY2(!error, error ? error->what() : "");
    QCOMPARE(readAll(dir.filePath("result.mp4")), sourceBytes); // the original is untouched
    QCOMPARE(filesIn(dir.path()).size(), 2);                    // no partial file left

    VideoInfo info;
    const VideoFrames output = readVideoFrames(target, -1, &info);
    QCOMPARE(QString::fromStdString(info.codec), codec);
    QCOMPARE(info.frameCount, 9);
    QCOMPARE(info.width, 48);
    QCOMPARE(info.height, 32);
    // GIF delays are whole 1/100 s: 10 fps is exact there, 16 is not.
    QVERIFY2(std::abs(info.fps - fps) < 1e-6, qPrintable(QString::number(info.fps)));
    if (keepsMetadata) {
        MediaMetadata expected = settingsMetadata();
        expected.tags["exported"] = "yes";
        QVERIFY(info.metadata.tags == expected.tags);
    } else {
        QVERIFY(info.metadata.tags.empty());
    }
    double sum = 0.0;
    for (std::size_t i = 0; i < output.rgb.size(); ++i)
        sum += std::abs(int(output.rgb[i]) - int(decodedSource.rgb[i]));
    const double meanAbs = sum / double(output.rgb.size());
    qInfo("%s: mean abs error %.3f against the source's frames, %lld bytes", qPrintable(codec), meanAbs,
          qlonglong(fs::file_size(target)));
    if (meanAbsBound == 0.0)
        QVERIFY(output.rgb == decodedSource.rgb);
    else
        QVERIFY2(meanAbs < meanAbsBound, qPrintable(QString::number(meanAbs)));
}

void TestMedia::exportPngSequence()
{
#if !WAN_MEDIA_HAS_FFMPEG
    QSKIP("built without WAN_WITH_FFMPEG");
#endif
    QTemporaryDir dir;
    const fs::path source = toPath(dir.filePath("result.mp4"));
    Mp4Options original;
    original.metadata = settingsMetadata();
    writeMp4(source, gradientFrames(48, 32, 5), original);
    const VideoFrames decoded = readVideoFrames(source);
    const fs::path target = toPath(dir.filePath("frames"));
    ExportOptions options;
    options.format = ExportFormat::PngSequence;
    exportVideo(source, target, options);
    const QStringList names = QDir(dir.filePath("frames")).entryList(QDir::Files);
    QCOMPARE(names, (QStringList{"frame_0000.png", "frame_0001.png", "frame_0002.png", "frame_0003.png",
                                 "frame_0004.png"}));
    for (int i = 0; i < 5; ++i) {
        const fs::path frame = target / names[i].toStdString();
        const RgbImage image = readPng(frame);
        QVERIFY(std::equal(image.rgb.begin(), image.rgb.end(), decoded.frame(i)));
        QVERIFY(readPngMetadata(frame).tags == settingsMetadata().tags);
    }
    // Only the folder and the source: the temporary folder was renamed.
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).size(), 2);

    // Exported again over it (3 frames now): the old sequence is replaced as a whole.
    writeMp4(source, gradientFrames(48, 32, 3), original);
    exportVideo(source, target, options);
    QCOMPARE(QDir(dir.filePath("frames")).entryList(QDir::Files).size(), 3);
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).size(), 2);
}

void TestMedia::exportRefusals()
{
#if !WAN_MEDIA_HAS_FFMPEG
    QSKIP("built without WAN_WITH_FFMPEG");
#endif
    QTemporaryDir dir;
    const fs::path source = toPath(dir.filePath("result.mp4"));
    writeMp4(source, gradientFrames(48, 32, 3));
    const QByteArray before = readAll(dir.filePath("result.mp4"));
    ExportOptions options;
    // Onto itself (also through another spelling of the path): refused, the file unchanged.
    for (const fs::path& same : {source, toPath(dir.filePath("./result.mp4"))}) {
        const auto error = errorFrom([&] { exportVideo(source, same, options); });
        QVERIFY(error && error->kind() == wan::ErrorKind::InvalidArgument);
        QVERIFY2(QString::fromStdString(error->what()).contains("onto itself"), error->what());
    }
    QCOMPARE(readAll(dir.filePath("result.mp4")), before);
    // Not a video: a clear error, nothing written.
    QVERIFY(writeBytes(dir.filePath("notes.mp4"), "not a video"));
    const auto corrupt = errorFrom(
        [&] { exportVideo(toPath(dir.filePath("notes.mp4")), toPath(dir.filePath("x.mp4")), options); });
    QVERIFY(corrupt && corrupt->kind() == wan::ErrorKind::CorruptFile);
    QVERIFY(!QFileInfo::exists(dir.filePath("x.mp4")));
    // Cancelled before writing: nothing left.
    wan::CancelToken cancel;
    cancel.cancel();
    const auto cancelled =
        errorFrom([&] { exportVideo(source, toPath(dir.filePath("y.webm")), options, &cancel); });
    QVERIFY(cancelled && cancelled->kind() == wan::ErrorKind::Cancelled);
    QCOMPARE(filesIn(dir.path()), (QStringList{"notes.mp4", "result.mp4"}));
    options.fps = 500;
    QVERIFY(errorFrom([&] { exportVideo(source, toPath(dir.filePath("z.mp4")), options); }));
}

void TestMedia::exportReportsEachFrame_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("name");
    QTest::newRow("H.264") << int(ExportFormat::Mp4H264) << "out.mp4";
    QTest::newRow("FFV1") << int(ExportFormat::MkvFfv1) << "out.mkv";
    QTest::newRow("GIF") << int(ExportFormat::Gif) << "out.gif";
    QTest::newRow("PNG sequence") << int(ExportFormat::PngSequence) << "frames";
}

void TestMedia::exportReportsEachFrame()
{
#if !WAN_MEDIA_HAS_FFMPEG
    QSKIP("built without WAN_WITH_FFMPEG");
#endif
    QFETCH(int, format);
    QFETCH(QString, name);
    QTemporaryDir dir;
    const fs::path source = toPath(dir.filePath("result.mp4"));
    constexpr int kCount = 7;
    writeMp4(source, gradientFrames(48, 32, kCount));
    const fs::path target = toPath(dir.filePath(name));
    ExportOptions options;
    options.format = ExportFormat(format);
    QList<QPair<int, int>> calls;
    bool completeAtLast = false;
    options.onProgress = [&](int done, int count) {
        calls.append({done, count});
        completeAtLast = fs::exists(target); // the target appears only when complete
    };
    const auto error = errorFrom([&] { exportVideo(source, target, options); });
    QVERIFY2(!error, error ? error->what() : "");
    // One call per frame, in order, ending at the frame count once the file is in place.
    QCOMPARE(calls.size(), kCount);
    for (int i = 0; i < calls.size(); ++i) {
        QCOMPARE(calls[i].first, i + 1);
        QCOMPARE(calls[i].second, kCount);
    }
    QVERIFY(completeAtLast);

    // Cancelled midway: the reports stop there and nothing is left behind.
    wan::CancelToken cancel;
    calls.clear();
    options.onProgress = [&](int done, int count) {
        calls.append({done, count});
        if (done == 3)
            cancel.cancel();
    };
    const fs::path second = toPath(dir.filePath("second_" + name));
    const auto cancelled = errorFrom([&] { exportVideo(source, second, options, &cancel); });
    QVERIFY(cancelled && cancelled->kind() == wan::ErrorKind::Cancelled);
    QCOMPARE(calls.size(), 3);
    QVERIFY(!fs::exists(second));
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).size(), 2);
}

void TestMedia::losslessExport_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("codec");
    QTest::addColumn<bool>("fade"); // a moving, fading gradient (weighted prediction) rather than noise
    QTest::newRow("H.264 (qp 0), noise") << int(ExportFormat::Mp4H264) << "h264" << false;
    QTest::newRow("H.264 (qp 0), fade") << int(ExportFormat::Mp4H264) << "h264" << true;
    QTest::newRow("H.265 (lossless=1), noise") << int(ExportFormat::Mp4H265) << "hevc" << false;
    QTest::newRow("H.265 (lossless=1), fade") << int(ExportFormat::Mp4H265) << "hevc" << true;
}

void TestMedia::losslessExport()
{
#if !WAN_MEDIA_HAS_FFMPEG
    QSKIP("built without WAN_WITH_FFMPEG");
#else
    QFETCH(int, format);
    QFETCH(QString, codec);
    QFETCH(bool, fade);
    const auto exportFormat = ExportFormat(format);
    QVERIFY2(exportSupported(exportFormat), "the FFmpeg this project installs has libx264 and libx265");
    QTemporaryDir dir;
    // Noise: what a lossy encoder cannot keep, so any loss shows. A fade: what weighted prediction is for
    // (libx265 3.5 with it lost frames 4, 6 and 7 of this one, up to 169 levels in RGB).
    const fs::path source = toPath(dir.filePath("result.mp4"));
    VideoFrames frames = fade ? VideoFrames{64, 64, 9, {}} : noiseFrames(64, 48, 5);
    if (fade) {
        frames.rgb.resize(frames.frameBytes() * 9);
        for (int f = 0; f < frames.count; ++f) {
            std::uint8_t* p = frames.frame(f);
            for (int y = 0; y < 64; ++y) {
                for (int x = 0; x < 64; ++x) {
                    *p++ = std::uint8_t((x * 4 + f * 24) & 0xff);
                    *p++ = std::uint8_t(y * 4);
                    *p++ = std::uint8_t(255 - f * 20);
                }
            }
        }
    }
    writeMp4(source, frames);
    const VideoFrames decodedSource = readVideoFrames(source);

    const fs::path target = toPath(dir.filePath("lossless.mp4"));
    ExportOptions options;
    options.format = exportFormat;
    options.lossless = true;
    options.crf = 40; // ignored when lossless
    const auto error = errorFrom([&] { exportVideo(source, target, options); });
    QVERIFY2(!error, error ? error->what() : "");
    VideoInfo info;
    const VideoFrames output = readVideoFrames(target, -1, &info);
    QCOMPARE(QString::fromStdString(info.codec), codec);

    // Exact in what the encoder is given: the source's frames converted to yuv444p as the writer does.
    const Planes expected = yuv444Of(decodedSource);
    const Planes decoded = decodePlanes(dir.filePath("lossless.mp4"));
    QCOMPARE(decoded.format, int(AV_PIX_FMT_YUV444P));
    QCOMPARE(decoded.width, frames.width);
    QCOMPARE(decoded.height, frames.height);
    QCOMPARE(int(decoded.frames.size()), frames.count);
    for (std::size_t f = 0; f < decoded.frames.size(); ++f) {
        int maxDiff = 0;
        std::size_t where = 0;
        for (std::size_t i = 0; i < decoded.frames[f].size(); ++i) {
            const int diff = std::abs(int(decoded.frames[f][i]) - int(expected.frames[f][i]));
            if (diff > maxDiff) {
                maxDiff = diff;
                where = i;
            }
        }
        QVERIFY2(
            maxDiff == 0,
            qPrintable(
                QStringLiteral("frame %1: max abs YUV diff %2 at byte %3").arg(f).arg(maxDiff).arg(where)));
    }
    // In RGB only the colour conversion's rounding remains (8-bit limited-range YUV holds fewer colours
    // than RGB): measured and bounded, not zero.
    int maxRgb = 0;
    for (std::size_t i = 0; i < output.rgb.size(); ++i)
        maxRgb = std::max(maxRgb, std::abs(int(output.rgb[i]) - int(decodedSource.rgb[i])));
    qInfo("%s lossless: YUV exact; RGB max abs diff %d against the source's frames, %lld bytes",
          qPrintable(codec), maxRgb, qlonglong(fs::file_size(target)));
    QVERIFY2(maxRgb <= 3, qPrintable(QString::number(maxRgb)));

    // Only H.264, H.265, FFV1 and PNG have a lossless mode.
    options.format = ExportFormat::WebmVp9;
    const auto refused = errorFrom([&] { exportVideo(source, toPath(dir.filePath("x.webm")), options); });
    QVERIFY(refused && refused->kind() == wan::ErrorKind::InvalidArgument);
#endif
}

void TestMedia::pngMetadataRoundTrip()
{
    QTemporaryDir dir;
    const fs::path path = toPath(dir.filePath("t2i.png"));
    RgbImage image{5, 3, std::vector<std::uint8_t>(45, 200)};
    writePng(path, image, settingsMetadata());
    QVERIFY(readPngMetadata(path).tags == settingsMetadata().tags); // UTF-8 prompt included
    QVERIFY(readPng(path).rgb == image.rgb);                        // still a valid PNG for every reader
    writePng(path, image);
    QVERIFY(readPngMetadata(path).tags.empty());
    QVERIFY(writeBytes(dir.filePath("bad.png"), "GIF89a not a png"));
    const auto error = errorFrom([&] { readPngMetadata(toPath(dir.filePath("bad.png"))); });
    QVERIFY(error && error->kind() == wan::ErrorKind::Image);
    QVERIFY(errorFrom([&] { readPngMetadata(toPath(dir.filePath("missing.png"))); }));
}

void TestMedia::mp4BadDestination_data()
{
    QTest::addColumn<QString>("target"); // relative to the temporary folder unless absolute
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("missing folder") << "missing/out.mp4"
                                    << ""
                                    << "does not exist";
    QTest::newRow("target is a folder") << "folder"
                                        << "mkdir"
                                        << "a folder of that name exists";
    QTest::newRow("read-only folder") << "ro/out.mp4"
                                      << "readonly"
                                      << "Permission denied";
    QTest::newRow("proc filesystem") << "/proc/wan-studio-test.mp4"
                                     << ""
                                     << "/proc/wan-studio-test.mp4";
}

void TestMedia::mp4BadDestination()
{
#if !WAN_MEDIA_HAS_FFMPEG
    QSKIP("built without WAN_WITH_FFMPEG");
#endif
    QFETCH(QString, target);
    QFETCH(QString, setup);
    QFETCH(QString, messagePart);

    QTemporaryDir dir;
    if (setup == "mkdir")
        QVERIFY(QDir(dir.path()).mkdir(target));
    if (setup == "readonly") {
        QVERIFY(QDir(dir.path()).mkdir("ro"));
        QVERIFY(QFile::setPermissions(dir.filePath("ro"), QFile::ReadOwner | QFile::ExeOwner));
        if (::access(QFile::encodeName(dir.filePath("ro")).constData(), W_OK) == 0)
            QSKIP("running with permission to write anywhere (root): a read-only folder cannot be tested");
    }
    if (target.startsWith('/') && !QDir(QFileInfo(target).path()).exists())
        QSKIP("no /proc here");
    const QString path = target.startsWith('/') ? target : dir.filePath(target);
    const auto error = errorFrom([&] { writeMp4(toPath(path), gradientFrames(16, 16, 2)); });
    QVERIFY(error);
    QCOMPARE(error->kind(), wan::ErrorKind::Io);
    const QString message = QString::fromStdString(error->what());
    QVERIFY2(message.contains(path) && message.contains(messagePart), qPrintable(message));
    if (setup == "readonly")
        QVERIFY(QFile::setPermissions(dir.filePath("ro"),
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QCOMPARE(filesIn(dir.path()), QStringList{});
}

void TestMedia::mp4ProtocolLikeNames_data()
{
    QTest::addColumn<QString>("target"); // relative to the temporary folder, which is the working folder
    QTest::addColumn<QString>("folder"); // made first when not empty

    // FFmpeg reads "name:" at the start of a path as a protocol: pipe: is stdin/stdout, concat: other files.
    QTest::newRow("pipe:1.mp4") << "pipe:1.mp4"
                                << "";
    QTest::newRow("concat:x.mp4") << "concat:x.mp4"
                                  << "";
    QTest::newRow("file in a folder pipe:") << "pipe:/clip.mp4"
                                            << "pipe:";
    QTest::newRow("file in a folder concat:") << "concat:/clip.mp4"
                                              << "concat:";
}

void TestMedia::mp4ProtocolLikeNames()
{
#if !WAN_MEDIA_HAS_FFMPEG
    QSKIP("built without WAN_WITH_FFMPEG");
#endif
    QFETCH(QString, target);
    QFETCH(QString, folder);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    if (!folder.isEmpty())
        QVERIFY(QDir(dir.path()).mkdir(folder));
    const QString previous = QDir::currentPath();
    QVERIFY(QDir::setCurrent(dir.path()));
    const auto restore = qScopeGuard([&] { QDir::setCurrent(previous); });

    const fs::path relative = toPath(target);
    const auto writeError = errorFrom([&] { writeMp4(relative, gradientFrames(32, 32, 3)); });
    QVERIFY2(!writeError, writeError ? writeError->what() : "");
    const QFileInfo written(dir.filePath(target));
    QVERIFY2(written.isFile() && written.size() > 1000, qPrintable(target));

    std::optional<VideoFrames> frames;
    const auto readError = errorFrom([&] { frames = readVideoFrames(relative); });
    QVERIFY2(!readError, readError ? readError->what() : "");
    QCOMPARE(frames->count, 3);
    QCOMPARE(probeVideo(relative).frameCount, 3);
    QCOMPARE(filesIn(folder.isEmpty() ? dir.path() : dir.filePath(folder)), QStringList{written.fileName()});
}

void TestMedia::writeFailureKeepsExistingFile_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("mp4") << "out.mp4";
    QTest::newRow("png") << "out.png";
}

void TestMedia::writeFailureKeepsExistingFile()
{
    QFETCH(QString, name);
#if !WAN_MEDIA_HAS_FFMPEG || !WAN_MEDIA_HAS_OPENCV
    QSKIP("built without WAN_WITH_FFMPEG or WAN_WITH_OPENCV");
#endif
    QTemporaryDir dir;
    const QString path = dir.filePath(name);
    QVERIFY(writeBytes(path, "the previous result"));
    // Noise does not compress: both files need far more than the 16 KiB allowed.
    const VideoFrames frames = noiseFrames(128, 128, 3);
    std::optional<wan::Error> error;
    {
        FileSizeLimit limit(16 * 1024);
        QVERIFY(limit.ok());
        error = errorFrom([&] {
            if (name.endsWith(".mp4"))
                writeMp4(toPath(path), frames);
            else
                writePng(toPath(path), frames, 0);
        });
    }
    QVERIFY(error);
    QCOMPARE(error->kind(), wan::ErrorKind::Io);
    const QString message = QString::fromStdString(error->what());
    QVERIFY2(message.contains(path) && message.contains("File too large"), qPrintable(message));
    QCOMPARE(filesIn(dir.path()), QStringList{name});
    QCOMPARE(readAll(path), QByteArray("the previous result"));
}

void TestMedia::mp4RejectsBadInput()
{
    QTemporaryDir dir;
    const fs::path path = toPath(dir.filePath("out.mp4"));
    VideoFrames wrongSize = gradientFrames(16, 16, 2);
    wrongSize.rgb.pop_back();
    const auto sizeError = errorFrom([&] { writeMp4(path, wrongSize); });
    QVERIFY(sizeError);
    QCOMPARE(sizeError->kind(), wan::ErrorKind::InvalidArgument);
#if WAN_MEDIA_HAS_FFMPEG
    Mp4Options badCrf;
    badCrf.crf = 60;
    QCOMPARE(errorFrom([&] { writeMp4(path, gradientFrames(16, 16, 1), badCrf); })->kind(),
             wan::ErrorKind::InvalidArgument);
    Mp4Options badPreset;
    badPreset.preset = "warp-speed";
    QCOMPARE(errorFrom([&] { writeMp4(path, gradientFrames(16, 16, 1), badPreset); })->kind(),
             wan::ErrorKind::InvalidArgument);
    QCOMPARE(errorFrom([&] { Mp4Writer(path, 16, 16).finish(); })->kind(), wan::ErrorKind::InvalidArgument);
#endif
    QCOMPARE(filesIn(dir.path()), QStringList{});
}

void TestMedia::readVideoErrors()
{
#if !WAN_MEDIA_HAS_FFMPEG
    QSKIP("built without WAN_WITH_FFMPEG");
#endif
    QTemporaryDir dir;
    QCOMPARE(errorFrom([&] { probeVideo(toPath(dir.filePath("missing.mp4"))); })->kind(), wan::ErrorKind::Io);
    QVERIFY(writeBytes(dir.filePath("text.mp4"), "this is not a video\n"));
    QCOMPARE(errorFrom([&] { probeVideo(toPath(dir.filePath("text.mp4"))); })->kind(),
             wan::ErrorKind::CorruptFile);
}

void TestMedia::metadataJson()
{
    MediaMetadata metadata = settingsMetadata();
    MediaMetadata parsed;
    QVERIFY(metadataFromJson(metadataToJson(metadata), parsed));
    QVERIFY(parsed.tags == metadata.tags);

    metadata.tags["bad"] = std::string("\xff\xfe not utf-8");
    QVERIFY(metadataFromJson(metadataToJson(metadata), parsed)); // replaced, never thrown
    QVERIFY(!metadataFromJson("Lavf encoded", parsed));
    QVERIFY(!metadataFromJson(R"({"seed": 5})", parsed));
}

void TestMedia::pngRoundTripExact()
{
#if !WAN_MEDIA_HAS_OPENCV
    QSKIP("built without WAN_WITH_OPENCV");
#endif
    QTemporaryDir dir;
    const fs::path path = toPath(dir.filePath("image.png"));
    RgbImage image{37, 23, noise(37 * 23 * 3, 3)};
    writePng(path, image);
    const RgbImage back = readPng(path);
    QCOMPARE(back.width, 37);
    QCOMPARE(back.height, 23);
    QVERIFY(back.rgb == image.rgb);
    QCOMPARE(filesIn(dir.path()), QStringList{"image.png"});

    // Overwriting replaces the old file completely.
    RgbImage other{5, 4, noise(5 * 4 * 3, 4)};
    writePng(path, other);
    QVERIFY(readPng(path).rgb == other.rgb);
}

void TestMedia::pngSequence()
{
#if !WAN_MEDIA_HAS_OPENCV
    QSKIP("built without WAN_WITH_OPENCV");
#endif
    QTemporaryDir dir;
    const VideoFrames frames = noiseFrames(8, 6, 3);
    const auto paths = writePngSequence(toPath(dir.filePath("frames/sub")), frames);
    QCOMPARE(paths.size(), std::size_t(3));
    QCOMPARE(filesIn(dir.filePath("frames/sub")),
             (QStringList{"frame_0000.png", "frame_0001.png", "frame_0002.png"}));
    for (int i = 0; i < 3; ++i) {
        const RgbImage back = readPng(paths[std::size_t(i)]);
        QVERIFY(std::equal(back.rgb.begin(), back.rgb.end(), frames.frame(i)));
    }
    wan::CancelToken cancel;
    cancel.cancel();
    QCOMPARE(errorFrom([&] { writePngSequence(toPath(dir.filePath("cancelled")), frames, &cancel); })->kind(),
             wan::ErrorKind::Cancelled);
    QCOMPARE(filesIn(dir.filePath("cancelled")), QStringList{});
}

void TestMedia::sequenceNames_data()
{
    QTest::addColumn<int>("index");
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("name");
    QTest::newRow("first") << 0 << 81 << "frame_0000.png";
    QTest::newRow("last of 10000") << 9999 << 10000 << "frame_9999.png";
    QTest::newRow("five digits") << 3 << 10001 << "frame_00003.png";
    QTest::newRow("index 10000") << 10000 << 10001 << "frame_10000.png";
}

void TestMedia::sequenceNames()
{
    QFETCH(int, index);
    QFETCH(int, count);
    QFETCH(QString, name);
    QCOMPARE(QString::fromStdString(sequenceFrameName(index, count)), name);
}

void TestMedia::imageErrors_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content"); // null: the file is not created
    QTest::addColumn<QString>("messagePart");

    const QByteArray pngSignature("\x89PNG\r\n\x1a\n", 8);
    QTest::newRow("missing file") << "missing.png" << QByteArray() << "does not exist";
    QTest::newRow("empty file") << "empty.png" << QByteArray("") << "cannot be read as an image";
    QTest::newRow("text file") << "notes.jpg" << QByteArray("just some text\n")
                               << "cannot be read as an image";
    QTest::newRow("truncated PNG") << "cut.png" << (pngSignature + QByteArray(30, '\0'))
                                   << "cannot be read as an image";
    QTest::newRow("random bytes") << "noise.webp"
                                  << QByteArray(reinterpret_cast<const char*>(noise(4096, 9).data()), 4096)
                                  << "supported: PNG, JPEG, WebP, BMP";
}

void TestMedia::imageErrors()
{
#if !WAN_MEDIA_HAS_OPENCV
    QSKIP("built without WAN_WITH_OPENCV");
#endif
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(QString, messagePart);

    QTemporaryDir dir;
    const QString path = dir.filePath(name);
    if (!content.isNull())
        QVERIFY(writeBytes(path, content));
    const auto error = errorFrom([&] { loadImageRgb(toPath(path)); });
    QVERIFY(error);
    QCOMPARE(error->kind(), wan::ErrorKind::Image);
    const QString message = QString::fromStdString(error->what());
    QVERIFY2(message.contains(path) && message.contains(messagePart), qPrintable(message));

    if (!content.isNull()) {
        const auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(content.constData()),
                                     std::size_t(content.size()));
        const auto memoryError = errorFrom([&] { decodeImageRgb(bytes); });
        QVERIFY(memoryError);
        QCOMPARE(memoryError->kind(), wan::ErrorKind::Image);
    }
}

void TestMedia::imageFormats_data()
{
    QTest::addColumn<QString>("extension");
    QTest::addColumn<int>("channels"); // of the picture OpenCV writes: 1 grey, 3 BGR, 4 BGRA
    QTest::addColumn<int>("quality");  // JPEG/WebP quality (WebP above 100: lossless)
    QTest::addColumn<double>("meanAbsBound");

    QTest::newRow("PNG") << ".png" << 3 << 0 << 0.0;
    QTest::newRow("PNG grey") << ".png" << 1 << 0 << 0.0;
    QTest::newRow("PNG with alpha (dropped, not blended)") << ".png" << 4 << 0 << 0.0;
    QTest::newRow("BMP") << ".bmp" << 3 << 0 << 0.0;
    QTest::newRow("JPEG q95") << ".jpg" << 3 << 95 << 4.0;
    QTest::newRow("WebP lossy q90") << ".webp" << 3 << 90 << 5.0;
    QTest::newRow("WebP lossless") << ".webp" << 3 << 101 << 0.0;
    QTest::newRow("WebP with alpha") << ".webp" << 4 << 101 << 0.0;
}

void TestMedia::imageFormats()
{
#if !WAN_MEDIA_HAS_OPENCV
    QSKIP("built without WAN_WITH_OPENCV");
#else
    QFETCH(QString, extension);
    QFETCH(int, channels);
    QFETCH(int, quality);
    QFETCH(double, meanAbsBound);

    // A smooth picture so lossy formats stay close; alpha is 1 on half the pixels: blending would darken
    // them. (Not 0: lossless WebP may rewrite the colour of fully transparent pixels.)
    const int width = 40, height = 24;
    cv::Mat picture(height, width, CV_8UC(channels));
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            std::uint8_t* p = picture.ptr<std::uint8_t>(y) + x * channels;
            const std::uint8_t value[4] = {std::uint8_t(20 + x * 5), std::uint8_t(30 + y * 6),
                                           std::uint8_t(200 - x * 2 - y * 2), std::uint8_t(x < 20 ? 1 : 255)};
            for (int c = 0; c < channels; ++c)
                p[c] = value[c];
        }
    }
    std::vector<int> params;
    if (extension == ".jpg")
        params = {cv::IMWRITE_JPEG_QUALITY, quality};
    if (extension == ".webp")
        params = {cv::IMWRITE_WEBP_QUALITY, quality};
    std::vector<std::uint8_t> encoded;
    QVERIFY(cv::imencode(extension.toStdString(), picture, encoded, params));

    QTemporaryDir dir;
    const QString path = dir.filePath("input" + extension);
    QVERIFY(writeBytes(path,
                       QByteArray(reinterpret_cast<const char*>(encoded.data()), qsizetype(encoded.size()))));
    const RgbImage fromFile = loadImageRgb(toPath(path));
    const RgbImage fromMemory = decodeImageRgb(encoded);
    QCOMPARE(fromFile.width, width);
    QCOMPARE(fromFile.height, height);
    QVERIFY(fromFile.rgb == fromMemory.rgb);

    double sum = 0.0;
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const std::uint8_t* p = picture.ptr<std::uint8_t>(y) + x * channels;
            const std::uint8_t* q = fromFile.rgb.data() + (std::size_t(y) * width + x) * 3;
            for (int c = 0; c < 3; ++c) {
                const int want = channels == 1 ? p[0] : p[2 - c]; // OpenCV pictures are BGR
                sum += std::abs(int(q[c]) - want);
            }
        }
    }
    const double meanAbs = sum / (width * height * 3);
    qInfo("%s: mean abs error %.3f (bound %.1f)", qPrintable(extension), meanAbs, meanAbsBound);
    QVERIFY2(meanAbs <= meanAbsBound, qPrintable(QString::number(meanAbs)));
#endif
}

void TestMedia::exifOrientation()
{
#if !WAN_MEDIA_HAS_OPENCV
    QSKIP("built without WAN_WITH_OPENCV");
#else
    // Stored 32 wide, 16 high: left half red, right half blue. EXIF orientation 6 means "rotate 90° clockwise
    // to display", so the upright picture is 16x32 with red on top.
    cv::Mat picture(16, 32, CV_8UC3);
    for (int y = 0; y < 16; ++y)
        for (int x = 0; x < 32; ++x)
            picture.at<cv::Vec3b>(y, x) = x < 16 ? cv::Vec3b(0, 0, 255) : cv::Vec3b(255, 0, 0);
    std::vector<std::uint8_t> jpeg;
    QVERIFY(cv::imencode(".jpg", picture, jpeg, {cv::IMWRITE_JPEG_QUALITY, 95}));
    QCOMPARE(int(jpeg[0]), 0xFF);
    QCOMPARE(int(jpeg[1]), 0xD8);
    // APP1 "Exif": big-endian TIFF header, one IFD entry Orientation (0x0112, SHORT, 1 value) = 6.
    const std::vector<std::uint8_t> app1 = {0xFF, 0xE1, 0x00, 0x22, 'E',  'x',  'i',  'f',  0,
                                            0,    'M',  'M',  0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
                                            0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00,
                                            0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());

    const RgbImage upright = decodeImageRgb(jpeg);
    QCOMPARE(upright.width, 16);
    QCOMPARE(upright.height, 32);
    const auto pixel = [](const RgbImage& image, int x, int y) {
        const std::uint8_t* p = image.rgb.data() + (std::size_t(y) * image.width + x) * 3;
        return std::array<int, 3>{p[0], p[1], p[2]};
    };
    QVERIFY(pixel(upright, 8, 4)[0] > 200 && pixel(upright, 8, 4)[2] < 50);   // red on top
    QVERIFY(pixel(upright, 8, 28)[2] > 200 && pixel(upright, 8, 28)[0] < 50); // blue below

    const RgbImage stored = decodeImageRgb(jpeg, ExifOrientation::Ignore);
    QCOMPARE(stored.width, 32);
    QCOMPARE(stored.height, 16);

    QTemporaryDir dir;
    const QString path = dir.filePath("phone.jpg");
    QVERIFY(writeBytes(path, QByteArray(reinterpret_cast<const char*>(jpeg.data()), qsizetype(jpeg.size()))));
    QCOMPARE(loadImageRgb(toPath(path)).width, 16);
#endif
}

namespace {

// A TIFF structure (the EXIF payload) whose IFD0 holds one Orientation entry, in either byte order.
std::vector<std::uint8_t> exifTiff(int orientation, bool littleEndian)
{
    const auto u16 = [&](std::vector<std::uint8_t>& out, int v) {
        if (littleEndian)
            out.insert(out.end(), {std::uint8_t(v), std::uint8_t(v >> 8)});
        else
            out.insert(out.end(), {std::uint8_t(v >> 8), std::uint8_t(v)});
    };
    const auto u32 = [&](std::vector<std::uint8_t>& out, std::uint32_t v) {
        if (littleEndian)
            out.insert(out.end(),
                       {std::uint8_t(v), std::uint8_t(v >> 8), std::uint8_t(v >> 16), std::uint8_t(v >> 24)});
        else
            out.insert(out.end(),
                       {std::uint8_t(v >> 24), std::uint8_t(v >> 16), std::uint8_t(v >> 8), std::uint8_t(v)});
    };
    std::vector<std::uint8_t> tiff;
    tiff.push_back(littleEndian ? 'I' : 'M');
    tiff.push_back(littleEndian ? 'I' : 'M');
    u16(tiff, 42);
    u32(tiff, 8);
    u16(tiff, 2); // two entries: an unrelated one first (ImageWidth), then Orientation
    u16(tiff, 0x0100);
    u16(tiff, 4);
    u32(tiff, 1);
    u32(tiff, 640);
    u16(tiff, 0x0112);
    u16(tiff, 3);
    u32(tiff, 1);
    u16(tiff, orientation);
    u16(tiff, 0);
    u32(tiff, 0); // no next IFD
    return tiff;
}

// `jpeg` with an APP1 "Exif" segment right after SOI.
std::vector<std::uint8_t> withExifSegment(std::vector<std::uint8_t> jpeg,
                                          const std::vector<std::uint8_t>& tiff)
{
    std::vector<std::uint8_t> app1 = {0xFF, 0xE1};
    const std::size_t length = 2 + 6 + tiff.size();
    app1.push_back(std::uint8_t(length >> 8));
    app1.push_back(std::uint8_t(length));
    app1.insert(app1.end(), {'E', 'x', 'i', 'f', 0, 0});
    app1.insert(app1.end(), tiff.begin(), tiff.end());
    jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());
    return jpeg;
}

std::uint32_t crc32Of(const std::uint8_t* data, std::size_t size)
{
    std::uint32_t crc = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < size; ++i) {
        crc ^= data[i];
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

// `png` with an eXIf chunk right after IHDR.
std::vector<std::uint8_t> withExifChunk(std::vector<std::uint8_t> png, const std::vector<std::uint8_t>& tiff)
{
    std::vector<std::uint8_t> chunk;
    const std::uint32_t length = std::uint32_t(tiff.size());
    chunk.insert(chunk.end(), {std::uint8_t(length >> 24), std::uint8_t(length >> 16),
                               std::uint8_t(length >> 8), std::uint8_t(length)});
    chunk.insert(chunk.end(), {'e', 'X', 'I', 'f'});
    chunk.insert(chunk.end(), tiff.begin(), tiff.end());
    const std::uint32_t crc = crc32Of(chunk.data() + 4, chunk.size() - 4);
    chunk.insert(chunk.end(), {std::uint8_t(crc >> 24), std::uint8_t(crc >> 16), std::uint8_t(crc >> 8),
                               std::uint8_t(crc)});
    png.insert(png.begin() + 8 + 25, chunk.begin(), chunk.end()); // signature + IHDR (13 bytes + 12)
    return png;
}

#if WAN_MEDIA_HAS_OPENCV
// Upright: 48 x 32 (BGR), six 16 x 16 blocks (red, green, blue / white, black, yellow): block edges on the
// JPEG's 16 x 16 colour grid, so compression keeps every pixel close to its block's colour.
cv::Mat uprightPicture()
{
    const cv::Vec3b colours[2][3] = {{{0, 0, 255}, {0, 255, 0}, {255, 0, 0}},
                                     {{255, 255, 255}, {0, 0, 0}, {0, 255, 255}}};
    cv::Mat picture(32, 48, CV_8UC3);
    for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 48; ++x)
            picture.at<cv::Vec3b>(y, x) = colours[y / 16][x / 16];
    return picture;
}

// How a camera stores `upright` when it writes `orientation` (built with OpenCV, not with the code under
// test).
cv::Mat storedAs(const cv::Mat& upright, int orientation)
{
    cv::Mat stored;
    switch (orientation) {
    case 2:
        cv::flip(upright, stored, 1);
        break;
    case 3:
        cv::rotate(upright, stored, cv::ROTATE_180);
        break;
    case 4:
        cv::flip(upright, stored, 0);
        break;
    case 5:
        cv::transpose(upright, stored);
        break;
    case 6: // shown rotated clockwise, so stored counter-clockwise
        cv::rotate(upright, stored, cv::ROTATE_90_COUNTERCLOCKWISE);
        break;
    case 7: {
        cv::Mat transposed;
        cv::transpose(upright, transposed);
        cv::rotate(transposed, stored, cv::ROTATE_180);
        break;
    }
    case 8:
        cv::rotate(upright, stored, cv::ROTATE_90_CLOCKWISE);
        break;
    default:
        stored = upright.clone();
    }
    return stored;
}

// Largest per-channel difference between an RGB image and a BGR picture of the same size; with `margin`, only
// over pixels at least that far from the 16 x 16 block edges (JPEG's chroma upsampling blends across them).
int maxDifference(const RgbImage& image, const cv::Mat& bgr, int margin = 0)
{
    const auto inside = [margin](int v) { return v % 16 >= margin && v % 16 < 16 - margin; };
    int worst = 0;
    for (int y = 0; y < bgr.rows; ++y)
        for (int x = 0; x < bgr.cols; ++x)
            for (int c = 0; c < 3 && inside(x) && inside(y); ++c)
                worst = std::max(worst, std::abs(int(image.rgb[(std::size_t(y) * image.width + x) * 3 + c]) -
                                                 int(bgr.at<cv::Vec3b>(y, x)[2 - c])));
    return worst;
}
#endif

} // namespace

void TestMedia::exifOrientationsAreApplied_data()
{
    QTest::addColumn<int>("orientation");
    QTest::addColumn<bool>("png");
    for (int orientation = 1; orientation <= 8; ++orientation) {
        QTest::addRow("jpeg %d", orientation) << orientation << false;
        QTest::addRow("png eXIf %d", orientation) << orientation << true;
    }
}

void TestMedia::exifOrientationsAreApplied()
{
#if !WAN_MEDIA_HAS_OPENCV
    QSKIP("built without WAN_WITH_OPENCV (the test encodes its pictures with OpenCV)");
#else
    QFETCH(int, orientation);
    QFETCH(bool, png);
    const cv::Mat upright = uprightPicture();
    const cv::Mat stored = storedAs(upright, orientation);
    std::vector<std::uint8_t> encoded;
    QVERIFY(cv::imencode(png ? ".png" : ".jpg", stored, encoded, {cv::IMWRITE_JPEG_QUALITY, 98}));
    const auto tiff = exifTiff(orientation, orientation % 2 == 1);
    encoded = png ? withExifChunk(encoded, tiff) : withExifSegment(encoded, tiff);
    QCOMPARE(readExifOrientation(encoded), orientation);

    const RgbImage shown = decodeImageRgb(encoded);
    QCOMPARE(shown.width, upright.cols);
    QCOMPARE(shown.height, upright.rows);
    const int difference = maxDifference(shown, upright, png ? 0 : 4);
    QVERIFY2(difference <= (png ? 0 : 24), qPrintable(QStringLiteral("max difference %1").arg(difference)));

    // Ignore: the stored pixels; and from a file, the same as from memory.
    const RgbImage raw = decodeImageRgb(encoded, ExifOrientation::Ignore);
    QCOMPARE(raw.width, stored.cols);
    QCOMPARE(raw.height, stored.rows);
    QTemporaryDir dir;
    const QString path = dir.filePath(png ? "photo.png" : "photo.jpg");
    QVERIFY(writeBytes(path,
                       QByteArray(reinterpret_cast<const char*>(encoded.data()), qsizetype(encoded.size()))));
    QVERIFY(loadImageRgb(toPath(path)).rgb == shown.rgb);
    if (!png) {
        // OpenCV's own EXIF handling (JPEG only) agrees pixel for pixel.
        const cv::Mat oracle = cv::imdecode(encoded, cv::IMREAD_COLOR);
        QCOMPARE(oracle.cols, shown.width);
        QCOMPARE(maxDifference(shown, oracle), 0);
    }
#endif
}

void TestMedia::exifOrientationTransforms()
{
    // 3 x 2 stored, pixel value = its index: where each stored pixel is shown, per orientation.
    RgbImage stored;
    stored.width = 3;
    stored.height = 2;
    for (int i = 0; i < 6; ++i)
        stored.rgb.insert(stored.rgb.end(), {std::uint8_t(i), 0, 0});
    const auto shownOrder = [](const RgbImage& image) {
        QString order;
        for (std::size_t i = 0; i < image.rgb.size(); i += 3)
            order += QString::number(image.rgb[i]);
        return QStringLiteral("%1x%2:").arg(image.width).arg(image.height) + order;
    };
    // Stored rows "012" / "345".
    QCOMPARE(shownOrder(applyExifOrientation(stored, 1)), QStringLiteral("3x2:012345"));
    QCOMPARE(shownOrder(applyExifOrientation(stored, 2)), QStringLiteral("3x2:210543"));
    QCOMPARE(shownOrder(applyExifOrientation(stored, 3)), QStringLiteral("3x2:543210"));
    QCOMPARE(shownOrder(applyExifOrientation(stored, 4)), QStringLiteral("3x2:345012"));
    QCOMPARE(shownOrder(applyExifOrientation(stored, 5)), QStringLiteral("2x3:031425"));
    QCOMPARE(shownOrder(applyExifOrientation(stored, 6)), QStringLiteral("2x3:304152"));
    QCOMPARE(shownOrder(applyExifOrientation(stored, 7)), QStringLiteral("2x3:524130"));
    QCOMPARE(shownOrder(applyExifOrientation(stored, 8)), QStringLiteral("2x3:251403"));
    QCOMPARE(shownOrder(applyExifOrientation(stored, 9)), QStringLiteral("3x2:012345"));
}

void TestMedia::exifParserSurvivesDamage()
{
    // A minimal JPEG-looking stream: SOI, APP1 Exif, then EOI.
    const auto tiff = exifTiff(6, false);
    const std::vector<std::uint8_t> jpeg = withExifSegment({0xFF, 0xD8, 0xFF, 0xD9}, tiff);
    QCOMPARE(readExifOrientation(jpeg), 6);
    // Every truncation and every single-byte corruption: some orientation 1..8, never a crash or a read
    // past the end (the sanitizer and fuzz builds check the latter).
    for (std::size_t size = 0; size < jpeg.size(); ++size) {
        const int value = readExifOrientation(std::span(jpeg.data(), size));
        QVERIFY(value >= 1 && value <= 8);
    }
    for (std::size_t i = 0; i < jpeg.size(); ++i)
        for (const std::uint8_t byte : {std::uint8_t(0x00), std::uint8_t(0xFF), std::uint8_t(0x7F)}) {
            auto damaged = jpeg;
            damaged[i] = byte;
            const int value = readExifOrientation(damaged);
            QVERIFY(value >= 1 && value <= 8);
        }
    QCOMPARE(readExifOrientation(withExifSegment({0xFF, 0xD8, 0xFF, 0xD9}, exifTiff(9, true))), 1);
    QCOMPARE(readExifOrientation(withExifSegment({0xFF, 0xD8, 0xFF, 0xD9}, exifTiff(0, false))), 1);
    auto farIfd = tiff;
    farIfd[7] = 0xF0; // IFD0 offset past the end
    QCOMPARE(readExifOrientation(withExifSegment({0xFF, 0xD8, 0xFF, 0xD9}, farIfd)), 1);
    QCOMPARE(readExifOrientation(std::vector<std::uint8_t>{'G', 'I', 'F', '8'}), 1);
}

void TestMedia::encodeForPrompt_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("maxPixels");
    QTest::addColumn<int>("wantWidth");
    QTest::addColumn<int>("wantHeight");

    // sqrt(512*512 / (1024*512)) = 0.7071: 724.08 x 362.04, rounded down.
    QTest::newRow("landscape 2:1 scaled down") << 1024 << 512 << 512 * 512 << 724 << 362;
    // sqrt(262144 / 480000) = 0.7390: 443.4 x 591.2.
    QTest::newRow("portrait 3:4 scaled down") << 600 << 800 << 512 * 512 << 443 << 591;
    QTest::newRow("small enough: kept") << 300 << 200 << 512 * 512 << 300 << 200;
    QTest::newRow("exactly at the limit: kept") << 512 << 512 << 512 * 512 << 512 << 512;
    QTest::newRow("no limit") << 700 << 500 << 0 << 700 << 500;
    QTest::newRow("thin strip keeps one row") << 4000 << 2 << 1000 << 1000 << 1; // 1414.2 x 0.7: one row
}

void TestMedia::encodeForPrompt()
{
#if !WAN_MEDIA_HAS_OPENCV
    QSKIP("built without WAN_WITH_OPENCV");
#else
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, maxPixels);
    QFETCH(int, wantWidth);
    QFETCH(int, wantHeight);

    // Left half red, right half blue: a swapped channel order or a wrong crop shows at once.
    RgbImage image{width, height, std::vector<std::uint8_t>(std::size_t(width) * height * 3)};
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            std::uint8_t* p = image.rgb.data() + (std::size_t(y) * width + x) * 3;
            p[0] = x < width / 2 ? 230 : 10;
            p[1] = 40;
            p[2] = x < width / 2 ? 20 : 240;
        }
    }
    const std::vector<std::uint8_t> png = encodeImageForPrompt(image, maxPixels);
    const std::array<std::uint8_t, 8> signature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    QVERIFY(png.size() > signature.size());
    QVERIFY(std::equal(signature.begin(), signature.end(), png.begin()));

    const RgbImage back = decodeImageRgb(png);
    QCOMPARE(back.width, wantWidth);
    QCOMPARE(back.height, wantHeight);
    if (maxPixels > 0)
        QVERIFY(std::int64_t(back.width) * back.height <= maxPixels);
    if (back.width == width && back.height == height) {
        QVERIFY(back.rgb == image.rgb); // PNG is lossless and nothing was resampled
        return;
    }
    const auto pixel = [&](int x, int y) {
        const std::uint8_t* p = back.rgb.data() + (std::size_t(y) * back.width + x) * 3;
        return std::array<int, 3>{p[0], p[1], p[2]};
    };
    const int y = back.height / 2;
    QCOMPARE(pixel(2, y), (std::array<int, 3>{230, 40, 20}));
    QCOMPARE(pixel(back.width - 3, y), (std::array<int, 3>{10, 40, 240}));
#endif
}

void TestMedia::encodeForPromptRejectsBadImages()
{
    const auto empty = errorFrom([] { encodeImageForPrompt(RgbImage{}); });
    QVERIFY(empty);
    QCOMPARE(empty->kind(), wan::ErrorKind::Image);
    const auto mismatched = errorFrom([] {
        encodeImageForPrompt(RgbImage{4, 4, std::vector<std::uint8_t>(10)});
    });
    QVERIFY(mismatched);
    QCOMPARE(mismatched->kind(), wan::ErrorKind::Image);
    QVERIFY2(QString::fromStdString(mismatched->what()).contains("4x4"), mismatched->what());
}

void TestMedia::missingBackendsSayWhy()
{
#if WAN_MEDIA_HAS_FFMPEG && WAN_MEDIA_HAS_OPENCV
    QSKIP("built with FFmpeg and OpenCV");
#else
    QTemporaryDir dir;
    const auto expectMissing = [](const std::optional<wan::Error>& error, const char* option) {
        QVERIFY(error);
        const QString message = QString::fromStdString(error->what());
        QVERIFY2(message.contains(option), qPrintable(message));
    };
#if !WAN_MEDIA_HAS_FFMPEG
    expectMissing(errorFrom([&] { writeMp4(toPath(dir.filePath("a.mp4")), gradientFrames(16, 16, 1)); }),
                  "WAN_WITH_FFMPEG");
    QVERIFY(writeBytes(dir.filePath("b.mp4"), "x"));
    expectMissing(errorFrom([&] { probeVideo(toPath(dir.filePath("b.mp4"))); }), "WAN_WITH_FFMPEG");
#endif
#if !WAN_MEDIA_HAS_OPENCV
    expectMissing(errorFrom([&] {
                      writePng(toPath(dir.filePath("a.png")), RgbImage{1, 1, {1, 2, 3}});
                  }),
                  "WAN_WITH_OPENCV");
    QVERIFY(writeBytes(dir.filePath("b.png"), "x"));
    expectMissing(errorFrom([&] { loadImageRgb(toPath(dir.filePath("b.png"))); }), "WAN_WITH_OPENCV");
#endif
#endif
}

QTEST_GUILESS_MAIN(TestMedia)
#include "test_media.moc"
