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
    std::vector<std::uint8_t> padded;
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

    void start(const Mp4Options& options)
    {
        ffmpeg::installLogHandler();
        partial = std::make_unique<PartialFile>(path);

        const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
        if (!codec)
            throw Error(ErrorKind::InvalidArgument,
                        "Cannot write '" + path.string() + "': this FFmpeg has no libx264 H.264 encoder");
        // The container is MP4 whatever the extension; the partial file keeps the target's extension.
        // The URL is also what the faststart pass reopens: it must name the file, never a protocol.
        const std::string url = ffmpeg::fileUrl(partial->path());
        check(avformat_alloc_output_context2(&format, nullptr, "mp4", url.c_str()), "write");

        encoder = avcodec_alloc_context3(codec);
        frame = av_frame_alloc();
        packet = av_packet_alloc();
        if (!encoder || !frame || !packet)
            throw Error(ErrorKind::OutOfMemory, "Cannot write '" + path.string() + "': out of memory");
        encoder->width = codedWidth;
        encoder->height = codedHeight;
        encoder->pix_fmt = AV_PIX_FMT_YUV420P;
        encoder->time_base = AVRational{1, options.fps};
        encoder->framerate = AVRational{options.fps, 1};
        encoder->sample_aspect_ratio = AVRational{1, 1};
        // Tagged explicitly so players do not guess between BT.601 and BT.709.
        encoder->color_range = AVCOL_RANGE_MPEG;
        encoder->colorspace = AVCOL_SPC_BT709;
        encoder->color_primaries = AVCOL_PRI_BT709;
        encoder->color_trc = AVCOL_TRC_BT709;
        if (format->oformat->flags & AVFMT_GLOBALHEADER)
            encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

        AVDictionary* encoderOptions = nullptr;
        av_dict_set(&encoderOptions, "crf", std::to_string(options.crf).c_str(), 0);
        av_dict_set(&encoderOptions, "preset", options.preset.c_str(), 0);
        const int opened = avcodec_open2(encoder, codec, &encoderOptions);
        av_dict_free(&encoderOptions);
        if (opened < 0)
            throw Error(ErrorKind::InvalidArgument,
                        "Cannot write '" + path.string() +
                            "': the H.264 encoder rejected the settings (preset '" + options.preset +
                            "'): " + ffmpeg::errorText(opened));

        stream = avformat_new_stream(format, nullptr);
        if (!stream)
            throw Error(ErrorKind::OutOfMemory, "Cannot write '" + path.string() + "': out of memory");
        check(avcodec_parameters_from_context(stream->codecpar, encoder), "write");
        stream->time_base = encoder->time_base;
        stream->avg_frame_rate = encoder->framerate;

        const auto& tags = options.metadata.tags;
        if (!tags.empty())
            av_dict_set(&format->metadata, "comment", metadataToJson(options.metadata).c_str(), 0);
        if (const auto prompt = tags.find(tag::kPrompt); prompt != tags.end())
            av_dict_set(&format->metadata, "title", prompt->second.c_str(), 0);

        check(avio_open(&format->pb, url.c_str(), AVIO_FLAG_WRITE), "write");
        AVDictionary* muxerOptions = nullptr;
        av_dict_set(&muxerOptions, "movflags", "+faststart", 0);
        const int header = avformat_write_header(format, &muxerOptions);
        av_dict_free(&muxerOptions);
        check(header, "write");

        frame->format = AV_PIX_FMT_YUV420P;
        frame->width = codedWidth;
        frame->height = codedHeight;
        check(av_frame_get_buffer(frame, 0), "write");
        scaler = sws_getContext(codedWidth, codedHeight, AV_PIX_FMT_RGB24, codedWidth, codedHeight,
                                AV_PIX_FMT_YUV420P, SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP,
                                nullptr, nullptr, nullptr);
        if (!scaler)
            throw Error(ErrorKind::Internal, "Cannot write '" + path.string() + "': no RGB to YUV converter");
        sws_setColorspaceDetails(scaler, sws_getCoefficients(SWS_CS_ITU709), 1,
                                 sws_getCoefficients(SWS_CS_ITU709), 0, 0, 1 << 16, 1 << 16);
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
        check(av_frame_make_writable(frame), "encode");
        const std::uint8_t* planes[1] = {source};
        const int strides[1] = {codedWidth * 3};
        sws_scale(scaler, planes, strides, 0, codedHeight, frame->data, frame->linesize);
        frame->pts = nextPts++;
        encode(frame);
    }

    void finish()
    {
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
    if (options.crf < 0 || options.crf > 51)
        throw Error(ErrorKind::InvalidArgument,
                    where + "CRF must be 0..51, not " + std::to_string(options.crf));
    m_impl->path = path;
    m_impl->width = width;
    m_impl->height = height;
    m_impl->codedWidth = width + (width & 1);
    m_impl->codedHeight = height + (height & 1);
    if (m_impl->codedWidth != width || m_impl->codedHeight != height)
        spdlog::warn("{}: H.264 yuv420p needs even sizes; {}x{} is padded to {}x{}", path.string(), width,
                     height, m_impl->codedWidth, m_impl->codedHeight);
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

} // namespace wan::media
