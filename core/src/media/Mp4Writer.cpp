#include "media/Mp4Writer.h"

#include "wan/Error.h"

#include <spdlog/spdlog.h>

#if WAN_MEDIA_HAS_FFMPEG

#include "media/FfmpegSupport.h"
#include "media/PartialFile.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cstring>

namespace wan::media {

namespace fs = std::filesystem;

struct Mp4Writer::Impl
{
    fs::path path;
    int width = 0, height = 0;           // as given
    int codedWidth = 0, codedHeight = 0; // rounded up to even for yuv420p
    std::unique_ptr<PartialFile> partial;
    AVFormatContext* format = nullptr;
    AVCodecContext* encoder = nullptr;
    AVStream* stream = nullptr;
    AVFrame* frame = nullptr;
    AVPacket* packet = nullptr;
    SwsContext* scaler = nullptr;
    VideoCodec codec = VideoCodec::H264;
    bool lossless = false;
    std::vector<std::uint8_t> padded;
    // GIF: frames are kept until finish() (one palette for the whole clip).
    std::vector<std::uint8_t> gifFrames;
    std::int64_t nextPts = 0;
    bool open = false; // false once finished, discarded or failed

    ~Impl() { release(); }

    void release() noexcept
    {
        if (format && format->pb)
            avio_closep(&format->pb);
        avformat_free_context(format);
        format = nullptr;
        avcodec_free_context(&encoder);
        av_frame_free(&frame);
        av_packet_free(&packet);
        sws_freeContext(scaler);
        scaler = nullptr;
        if (partial)
            partial->discard();
        partial.reset();
        open = false;
    }

    void check(int ret, const char* action)
    {
        if (ret < 0)
            ffmpeg::throwError(action, path, ret);
    }

    static AVPixelFormat pixelFormat(VideoCodec codec, bool lossless)
    {
        switch (codec) {
        case VideoCodec::H264:
        case VideoCodec::H265:
            // Lossless keeps every chroma sample: what the encoder is given comes back exactly.
            return lossless ? AV_PIX_FMT_YUV444P : AV_PIX_FMT_YUV420P;
        case VideoCodec::Ffv1:
            return AV_PIX_FMT_BGR0; // 8-bit RGB as FFV1 takes it: lossless
        case VideoCodec::Gif:
            return AV_PIX_FMT_PAL8;
        default:
            return AV_PIX_FMT_YUV420P;
        }
    }

    void start(const Mp4Options& options)
    {
        ffmpeg::installLogHandler();
        codec = options.codec;
        lossless = options.lossless;
        partial = std::make_unique<PartialFile>(path);

        const char* encoderId = encoderName(codec);
        const AVCodec* avCodec = avcodec_find_encoder_by_name(encoderId);
        if (!avCodec)
            throw Error(ErrorKind::InvalidArgument, "Cannot write '" + path.string() +
                                                        "': this FFmpeg has no " + encoderId +
                                                        " encoder; choose another format");
        // The container follows the codec whatever the extension; the partial file keeps the target's
        // extension. The URL is also what the faststart pass reopens: it must name the file, never a
        // protocol.
        const std::string url = ffmpeg::fileUrl(partial->path());
        check(avformat_alloc_output_context2(&format, nullptr, codecFormat(codec).muxer, url.c_str()),
              "write");

        encoder = avcodec_alloc_context3(avCodec);
        frame = av_frame_alloc();
        packet = av_packet_alloc();
        if (!encoder || !frame || !packet)
            throw Error(ErrorKind::OutOfMemory, "Cannot write '" + path.string() + "': out of memory");
        const AVPixelFormat pixels = pixelFormat(codec, lossless);
        const bool yuv = pixels == AV_PIX_FMT_YUV420P || pixels == AV_PIX_FMT_YUV444P;
        encoder->width = codedWidth;
        encoder->height = codedHeight;
        encoder->pix_fmt = pixels;
        encoder->time_base = AVRational{1, options.fps};
        encoder->framerate = AVRational{options.fps, 1};
        encoder->sample_aspect_ratio = AVRational{1, 1};
        if (yuv) {
            // Tagged explicitly so players do not guess between BT.601 and BT.709.
            encoder->color_range = AVCOL_RANGE_MPEG;
            encoder->colorspace = AVCOL_SPC_BT709;
            encoder->color_primaries = AVCOL_PRI_BT709;
            encoder->color_trc = AVCOL_TRC_BT709;
        }
        if (format->oformat->flags & AVFMT_GLOBALHEADER)
            encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

        AVDictionary* encoderOptions = nullptr;
        switch (codec) {
        case VideoCodec::H264:
        case VideoCodec::H265:
            // Lossless: libx264 at qp 0 (its lossless mode, High 4:4:4 Predictive), libx265 with lossless=1.
            if (lossless && codec == VideoCodec::H264)
                av_dict_set(&encoderOptions, "qp", "0", 0);
            else if (!lossless)
                av_dict_set(&encoderOptions, "crf",
                            std::to_string(options.crf >= 0            ? options.crf
                                           : codec == VideoCodec::H264 ? 17
                                                                       : 20)
                                .c_str(),
                            0);
            av_dict_set(&encoderOptions, "preset", options.preset.c_str(), 0);
            // libx264's macroblock tree reads memory it never wrote on tiny frames (48x32 and 64x64 gave
            // another first frame from run to run in a process whose heap was in use; 96x64 and larger did
            // not): off below 256 pixels a side, as cuTree for x265 below, so the same frames give the same
            // file.
            if (codec == VideoCodec::H264 && (codedWidth < 256 || codedHeight < 256))
                av_dict_set(&encoderOptions, "x264-params", "mbtree=0", 0);
            if (codec == VideoCodec::H265) {
                // libx265 3.5's cuTree writes past a buffer on tiny frames (seen under valgrind at 48x32):
                // off below 256 pixels a side, where it matters least.
                const bool tiny = codedWidth < 256 || codedHeight < 256;
                const std::string params =
                    std::string(tiny ? "log-level=error:cutree=0" : "log-level=error") +
                    // libx265 3.5 loses its losslessness on fades with weighted prediction (frames of a
                    // fading 64x64 gradient came back up to 169 levels off): off when lossless.
                    (lossless ? ":lossless=1:weightp=0" : "");
                av_dict_set(&encoderOptions, "x265-params", params.c_str(), 0);
                encoder->codec_tag = MKTAG('h', 'v', 'c', '1'); // what Apple players expect in MP4
            }
            break;
        case VideoCodec::Vp9:
            av_dict_set(&encoderOptions, "crf", std::to_string(options.crf >= 0 ? options.crf : 24).c_str(),
                        0);
            av_dict_set(&encoderOptions, "b", "0", 0); // constant quality
            av_dict_set(&encoderOptions, "row-mt", "1", 0);
            av_dict_set(&encoderOptions, "cpu-used", "4", 0);
            av_dict_set(&encoderOptions, "deadline", "good", 0);
            break;
        case VideoCodec::Ffv1:
            av_dict_set(&encoderOptions, "level", "3", 0);
            av_dict_set(&encoderOptions, "slicecrc", "1", 0);
            break;
        case VideoCodec::Gif:
            break;
        }
        const int opened = avcodec_open2(encoder, avCodec, &encoderOptions);
        av_dict_free(&encoderOptions);
        if (opened < 0)
            throw Error(ErrorKind::InvalidArgument, "Cannot write '" + path.string() + "': the " + encoderId +
                                                        " encoder rejected the settings (preset '" +
                                                        options.preset + "'): " + ffmpeg::errorText(opened));

        stream = avformat_new_stream(format, nullptr);
        if (!stream)
            throw Error(ErrorKind::OutOfMemory, "Cannot write '" + path.string() + "': out of memory");
        check(avcodec_parameters_from_context(stream->codecpar, encoder), "write");
        stream->time_base = encoder->time_base;
        stream->avg_frame_rate = encoder->framerate;

        const auto& tags = options.metadata.tags;
        if (!tags.empty() && codec != VideoCodec::Gif) {
            av_dict_set(&format->metadata, "comment", metadataToJson(options.metadata).c_str(), 0);
            if (const auto prompt = tags.find(tag::kPrompt); prompt != tags.end())
                av_dict_set(&format->metadata, "title", prompt->second.c_str(), 0);
        }

        check(avio_open(&format->pb, url.c_str(), AVIO_FLAG_WRITE), "write");
        AVDictionary* muxerOptions = nullptr;
        if (codec == VideoCodec::H264 || codec == VideoCodec::H265)
            av_dict_set(&muxerOptions, "movflags", "+faststart", 0);
        if (codec == VideoCodec::Gif)
            av_dict_set(&muxerOptions, "loop", "0", 0); // loop forever
        const int header = avformat_write_header(format, &muxerOptions);
        av_dict_free(&muxerOptions);
        check(header, "write");

        frame->format = pixels;
        frame->width = codedWidth;
        frame->height = codedHeight;
        check(av_frame_get_buffer(frame, 0), "write");
        if (yuv) {
            scaler = sws_getContext(codedWidth, codedHeight, AV_PIX_FMT_RGB24, codedWidth, codedHeight,
                                    pixels, SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP, nullptr,
                                    nullptr, nullptr);
            if (!scaler)
                throw Error(ErrorKind::Internal,
                            "Cannot write '" + path.string() + "': no RGB to YUV converter");
            sws_setColorspaceDetails(scaler, sws_getCoefficients(SWS_CS_ITU709), 1,
                                     sws_getCoefficients(SWS_CS_ITU709), 0, 0, 1 << 16, 1 << 16);
        }
        open = true;
    }

    // Sends one frame (nullptr: end of stream) and muxes every packet the encoder has ready.
    void encode(const AVFrame* input)
    {
        check(avcodec_send_frame(encoder, input), "encode");
        for (;;) {
            const int ret = avcodec_receive_packet(encoder, packet);
            if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
                return;
            check(ret, "encode");
            // Without a duration the MP4 edit list ends at the last frame's start and hides that frame.
            if (packet->duration <= 0)
                packet->duration = 1;
            av_packet_rescale_ts(packet, encoder->time_base, stream->time_base);
            packet->stream_index = stream->index;
            check(av_interleaved_write_frame(format, packet), "write");
        }
    }

    const std::uint8_t* padToCoded(const std::uint8_t* rgb)
    {
        if (codedWidth == width && codedHeight == height)
            return rgb;
        const std::size_t srcRow = std::size_t(width) * 3;
        const std::size_t dstRow = std::size_t(codedWidth) * 3;
        padded.resize(dstRow * std::size_t(codedHeight));
        for (int y = 0; y < codedHeight; ++y) {
            const std::uint8_t* src = rgb + std::size_t(std::min(y, height - 1)) * srcRow;
            std::uint8_t* dst = padded.data() + std::size_t(y) * dstRow;
            std::memcpy(dst, src, srcRow);
            if (codedWidth != width)
                std::memcpy(dst + srcRow, src + srcRow - 3, 3);
        }
        return padded.data();
    }

    void writeFrame(const std::uint8_t* rgb)
    {
        const std::uint8_t* source = padToCoded(rgb);
        const std::size_t bytes = std::size_t(codedWidth) * std::size_t(codedHeight) * 3;
        if (codec == VideoCodec::Gif) {
            gifFrames.insert(gifFrames.end(), source, source + bytes);
            ++nextPts;
            return;
        }
        check(av_frame_make_writable(frame), "encode");
        if (codec == VideoCodec::Ffv1) {
            // BGR0: bytes B, G, R, unused per pixel.
            for (int y = 0; y < codedHeight; ++y) {
                const std::uint8_t* row = source + std::size_t(y) * std::size_t(codedWidth) * 3;
                std::uint8_t* out = frame->data[0] + std::ptrdiff_t(y) * frame->linesize[0];
                for (int x = 0; x < codedWidth; ++x) {
                    out[4 * x] = row[3 * x + 2];
                    out[4 * x + 1] = row[3 * x + 1];
                    out[4 * x + 2] = row[3 * x];
                    out[4 * x + 3] = 0;
                }
            }
        } else {
            const std::uint8_t* planes[1] = {source};
            const int strides[1] = {codedWidth * 3};
            sws_scale(scaler, planes, strides, 0, codedHeight, frame->data, frame->linesize);
        }
        frame->pts = nextPts++;
        encode(frame);
    }

    // One palette for the whole clip (median cut over a 5-5-5 histogram), each pixel mapped to its nearest
    // entry, then every frame encoded.
    void encodeGif()
    {
        const std::size_t pixels = std::size_t(codedWidth) * std::size_t(codedHeight);
        const std::vector<std::uint32_t> palette = buildPalette(gifFrames.data(), gifFrames.size() / 3);
        std::vector<std::uint8_t> nearest(32768);
        for (int key = 0; key < 32768; ++key) {
            const int r = ((key >> 10) & 31) * 255 / 31, g = ((key >> 5) & 31) * 255 / 31,
                      b = (key & 31) * 255 / 31;
            int best = 0;
            long bestDistance = -1;
            for (std::size_t i = 0; i < palette.size(); ++i) {
                const int dr = int((palette[i] >> 16) & 255) - r, dg = int((palette[i] >> 8) & 255) - g,
                          db = int(palette[i] & 255) - b;
                const long distance = long(dr) * dr + long(dg) * dg + long(db) * db;
                if (bestDistance < 0 || distance < bestDistance) {
                    bestDistance = distance;
                    best = int(i);
                }
            }
            nearest[std::size_t(key)] = std::uint8_t(best);
        }
        const int frames = int(nextPts);
        for (int f = 0; f < frames; ++f) {
            check(av_frame_make_writable(frame), "encode");
            const std::uint8_t* rgb = gifFrames.data() + std::size_t(f) * pixels * 3;
            for (int y = 0; y < codedHeight; ++y) {
                std::uint8_t* out = frame->data[0] + std::ptrdiff_t(y) * frame->linesize[0];
                for (int x = 0; x < codedWidth; ++x) {
                    const std::uint8_t* p =
                        rgb + (std::size_t(y) * std::size_t(codedWidth) + std::size_t(x)) * 3;
                    out[x] = nearest[std::size_t((p[0] >> 3) << 10 | (p[1] >> 3) << 5 | (p[2] >> 3))];
                }
            }
            auto* entries = reinterpret_cast<std::uint32_t*>(frame->data[1]);
            for (int i = 0; i < 256; ++i)
                entries[i] = 0xff000000u | (std::size_t(i) < palette.size() ? palette[std::size_t(i)] : 0u);
            frame->pts = f;
            encode(frame);
        }
    }

    static std::vector<std::uint32_t> buildPalette(const std::uint8_t* rgb, std::size_t count)
    {
        struct Bin
        {
            int key;
            std::uint64_t weight;
        };
        std::vector<std::uint64_t> histogram(32768, 0);
        for (std::size_t i = 0; i < count; ++i)
            ++histogram[std::size_t((rgb[3 * i] >> 3) << 10 | (rgb[3 * i + 1] >> 3) << 5 |
                                    (rgb[3 * i + 2] >> 3))];
        std::vector<Bin> bins;
        for (int key = 0; key < 32768; ++key)
            if (histogram[std::size_t(key)] > 0)
                bins.push_back({key, histogram[std::size_t(key)]});
        const auto channel = [](int key, int c) { return (key >> (10 - 5 * c)) & 31; };
        // Boxes as [begin, end) ranges of `bins`; split the box with the widest channel range at its median.
        std::vector<std::pair<std::size_t, std::size_t>> boxes{{0, bins.size()}};
        while (boxes.size() < 256) {
            int bestBox = -1, bestChannel = 0, bestRange = 0;
            for (std::size_t b = 0; b < boxes.size(); ++b) {
                if (boxes[b].second - boxes[b].first < 2)
                    continue;
                for (int c = 0; c < 3; ++c) {
                    int lo = 31, hi = 0;
                    for (std::size_t i = boxes[b].first; i < boxes[b].second; ++i) {
                        lo = std::min(lo, channel(bins[i].key, c));
                        hi = std::max(hi, channel(bins[i].key, c));
                    }
                    if (hi - lo > bestRange) {
                        bestRange = hi - lo;
                        bestBox = int(b);
                        bestChannel = c;
                    }
                }
            }
            if (bestBox < 0)
                break;
            auto [begin, end] = boxes[std::size_t(bestBox)];
            std::sort(bins.begin() + std::ptrdiff_t(begin), bins.begin() + std::ptrdiff_t(end),
                      [&](const Bin& a, const Bin& b) {
                          return channel(a.key, bestChannel) < channel(b.key, bestChannel);
                      });
            std::uint64_t total = 0, half = 0;
            for (std::size_t i = begin; i < end; ++i)
                total += bins[i].weight;
            std::size_t split = begin + 1;
            for (std::size_t i = begin; i + 1 < end; ++i) {
                half += bins[i].weight;
                split = i + 1;
                if (half * 2 >= total)
                    break;
            }
            boxes[std::size_t(bestBox)] = {begin, split};
            boxes.push_back({split, end});
        }
        std::vector<std::uint32_t> palette;
        for (const auto& [begin, end] : boxes) {
            std::uint64_t sum[3] = {0, 0, 0}, weight = 0;
            for (std::size_t i = begin; i < end; ++i) {
                for (int c = 0; c < 3; ++c)
                    sum[c] += std::uint64_t(channel(bins[i].key, c) * 255 / 31) * bins[i].weight;
                weight += bins[i].weight;
            }
            if (weight == 0)
                continue;
            palette.push_back(std::uint32_t((sum[0] + weight / 2) / weight) << 16 |
                              std::uint32_t((sum[1] + weight / 2) / weight) << 8 |
                              std::uint32_t((sum[2] + weight / 2) / weight));
        }
        if (palette.empty())
            palette.push_back(0);
        return palette;
    }

    void finish()
    {
        if (codec == VideoCodec::Gif)
            encodeGif();
        encode(nullptr);
        check(av_write_trailer(format), "write");
        check(avio_closep(&format->pb), "write");
        partial->commit();
        partial.reset();
        release();
    }
};

Mp4Writer::Mp4Writer(const fs::path& path, int width, int height, const Mp4Options& options)
    : m_impl(std::make_unique<Impl>())
{
    const std::string where = "Cannot write '" + path.string() + "': ";
    if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
        throw Error(ErrorKind::InvalidArgument,
                    where + "invalid size " + std::to_string(width) + "x" + std::to_string(height));
    if (options.fps < 1 || options.fps > 240)
        throw Error(ErrorKind::InvalidArgument,
                    where + "fps must be 1..240, not " + std::to_string(options.fps));
    const int maxCrf = options.codec == VideoCodec::Vp9 ? 63 : 51;
    if (options.crf < -1 || options.crf > maxCrf)
        throw Error(ErrorKind::InvalidArgument, where + "CRF must be 0.." + std::to_string(maxCrf) +
                                                    ", not " + std::to_string(options.crf));
    if (options.lossless && options.codec != VideoCodec::H264 && options.codec != VideoCodec::H265 &&
        options.codec != VideoCodec::Ffv1)
        throw Error(ErrorKind::InvalidArgument,
                    where + "no lossless mode for " + encoderName(options.codec) + "; choose FFV1");
    m_impl->path = path;
    m_impl->width = width;
    m_impl->height = height;
    const bool subsampled =
        options.codec != VideoCodec::Ffv1 && options.codec != VideoCodec::Gif && !options.lossless;
    m_impl->codedWidth = subsampled ? width + (width & 1) : width;
    m_impl->codedHeight = subsampled ? height + (height & 1) : height;
    if (m_impl->codedWidth != width || m_impl->codedHeight != height)
        spdlog::warn("{}: yuv420p needs even sizes; {}x{} is padded to {}x{}", path.string(), width, height,
                     m_impl->codedWidth, m_impl->codedHeight);
    try {
        m_impl->start(options);
    } catch (...) {
        m_impl->release();
        throw;
    }
}

Mp4Writer::~Mp4Writer() = default;

void Mp4Writer::writeFrame(const std::uint8_t* rgb)
{
    if (!m_impl->open)
        throw Error(ErrorKind::InvalidArgument,
                    "Cannot write '" + m_impl->path.string() + "': the writer is already closed");
    try {
        m_impl->writeFrame(rgb);
    } catch (...) {
        m_impl->release();
        throw;
    }
}

void Mp4Writer::finish()
{
    if (!m_impl->open)
        throw Error(ErrorKind::InvalidArgument,
                    "Cannot write '" + m_impl->path.string() + "': the writer is already closed");
    if (m_impl->nextPts == 0) {
        m_impl->release();
        throw Error(ErrorKind::InvalidArgument, "Cannot write '" + m_impl->path.string() + "': no frames");
    }
    try {
        m_impl->finish();
    } catch (...) {
        m_impl->release();
        throw;
    }
}

void Mp4Writer::discard() noexcept
{
    m_impl->release();
}

int Mp4Writer::framesWritten() const
{
    return int(m_impl->nextPts);
}

} // namespace wan::media

#else // !WAN_MEDIA_HAS_FFMPEG

namespace wan::media {

struct Mp4Writer::Impl
{
};

Mp4Writer::Mp4Writer(const std::filesystem::path& path, int, int, const Mp4Options&)
{
    throw Error(ErrorKind::InvalidArgument,
                "Cannot write '" + path.string() +
                    "': this build has no MP4 support (built without WAN_WITH_FFMPEG);"
                    " export a PNG sequence instead");
}
Mp4Writer::~Mp4Writer() = default;
void Mp4Writer::writeFrame(const std::uint8_t*) {}
void Mp4Writer::finish() {}
void Mp4Writer::discard() noexcept {}
int Mp4Writer::framesWritten() const
{
    return 0;
}

} // namespace wan::media

#endif

namespace wan::media {

void writeMp4(const std::filesystem::path& path, const VideoFrames& frames, const Mp4Options& options,
              const CancelToken* cancel)
{
    if (frames.count <= 0 || frames.rgb.size() != std::size_t(frames.count) * frames.frameBytes())
        throw Error(ErrorKind::InvalidArgument,
                    "Cannot write '" + path.string() + "': " + std::to_string(frames.rgb.size()) +
                        " bytes do not hold " + std::to_string(frames.count) + " frames of " +
                        std::to_string(frames.width) + "x" + std::to_string(frames.height) + " RGB");
    const auto throwIfCancelled = [&](Mp4Writer& writer) {
        if (cancel && cancel->isCancelled()) {
            writer.discard();
            throw Error(ErrorKind::Cancelled, "Writing '" + path.string() + "' was cancelled");
        }
    };
    Mp4Writer writer(path, frames.width, frames.height, options);
    for (int i = 0; i < frames.count; ++i) {
        throwIfCancelled(writer);
        writer.writeFrame(frames.frame(i));
    }
    throwIfCancelled(writer);
    writer.finish();
}

bool mp4Supported()
{
    return WAN_MEDIA_HAS_FFMPEG != 0;
}

const char* encoderName(VideoCodec codec)
{
    return codecFormat(codec).encoder;
}

const char* containerExtension(VideoCodec codec)
{
    return codecFormat(codec).extension;
}

bool codecSupported(VideoCodec codec)
{
#if WAN_MEDIA_HAS_FFMPEG
    return avcodec_find_encoder_by_name(encoderName(codec)) != nullptr;
#else
    (void)codec;
    return false;
#endif
}

} // namespace wan::media
