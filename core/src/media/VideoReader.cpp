#include "media/VideoReader.h"

#include "wan/Error.h"

#if WAN_MEDIA_HAS_FFMPEG

#include "media/FfmpegSupport.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

#include <cstring>
#include <system_error>

namespace wan::media {

namespace fs = std::filesystem;

namespace {

class Decoder
{
public:
    explicit Decoder(const fs::path& path) : m_path(path)
    {
        ffmpeg::installLogHandler();
        std::error_code ec;
        if (!fs::is_regular_file(path, ec))
            throw Error(ErrorKind::Io, "Cannot read video '" + path.string() + "': no such file");
        int ret = avformat_open_input(&m_format, ffmpeg::fileUrl(path).c_str(), nullptr, nullptr);
        if (ret < 0)
            corrupt("it is not a video file FFmpeg can open", ret);
        ret = avformat_find_stream_info(m_format, nullptr);
        if (ret < 0)
            corrupt("cannot read its streams", ret);
        const AVCodec* codec = nullptr;
        m_streamIndex = av_find_best_stream(m_format, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
        if (m_streamIndex < 0 || !codec)
            corrupt("it has no decodable video stream", m_streamIndex);
        m_stream = m_format->streams[m_streamIndex];
        m_decoder = avcodec_alloc_context3(codec);
        m_frame = av_frame_alloc();
        m_packet = av_packet_alloc();
        if (!m_decoder || !m_frame || !m_packet)
            throw Error(ErrorKind::OutOfMemory, "Cannot read video '" + path.string() + "': out of memory");
        ret = avcodec_parameters_to_context(m_decoder, m_stream->codecpar);
        if (ret >= 0)
            ret = avcodec_open2(m_decoder, codec, nullptr);
        if (ret < 0)
            corrupt("cannot open its decoder", ret);
    }

    ~Decoder()
    {
        sws_freeContext(m_scaler);
        av_packet_free(&m_packet);
        av_frame_free(&m_frame);
        avcodec_free_context(&m_decoder);
        avformat_close_input(&m_format);
    }

    Decoder(const Decoder&) = delete;
    Decoder& operator=(const Decoder&) = delete;

    VideoInfo headerInfo() const
    {
        VideoInfo info;
        info.width = m_decoder->width;
        info.height = m_decoder->height;
        const AVRational rate = av_guess_frame_rate(m_format, m_stream, nullptr);
        info.fps = rate.den > 0 ? av_q2d(rate) : 0.0;
        const AVDictionaryEntry* entry = nullptr;
        while ((entry = av_dict_get(m_format->metadata, "", entry, AV_DICT_IGNORE_SUFFIX)))
            info.containerTags[entry->key] = entry->value;
        // MP4 keeps the tag's case; Matroska/WebM report it upper-case ("COMMENT").
        if (const AVDictionaryEntry* comment = av_dict_get(m_format->metadata, "comment", nullptr, 0))
            metadataFromJson(comment->value, info.metadata);
        info.codec = avcodec_get_name(m_stream->codecpar->codec_id);
        return info;
    }

    // Next decoded frame (in m_frame); false at the end of the stream.
    bool next()
    {
        for (;;) {
            int ret = avcodec_receive_frame(m_decoder, m_frame);
            if (ret >= 0)
                return true;
            if (ret == AVERROR_EOF)
                return false;
            if (ret != AVERROR(EAGAIN))
                corrupt("a frame cannot be decoded", ret);
            if (m_flushed)
                return false;
            ret = av_read_frame(m_format, m_packet);
            if (ret == AVERROR_EOF) {
                m_flushed = true;
                ret = avcodec_send_packet(m_decoder, nullptr);
            } else if (ret < 0) {
                corrupt("reading failed", ret);
            } else {
                if (m_packet->stream_index == m_streamIndex)
                    ret = avcodec_send_packet(m_decoder, m_packet);
                av_packet_unref(m_packet);
            }
            if (ret < 0 && ret != AVERROR_EOF)
                corrupt("a frame cannot be decoded", ret);
        }
    }

    int frameWidth() const { return m_frame->width; }
    int frameHeight() const { return m_frame->height; }

    // Converts the current frame to tightly packed RGB888 at `out`.
    void toRgb(std::uint8_t* out)
    {
        const int w = m_frame->width;
        const int h = m_frame->height;
        m_scaler = sws_getCachedContext(m_scaler, w, h, AVPixelFormat(m_frame->format), w, h,
                                        AV_PIX_FMT_RGB24, SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT,
                                        nullptr, nullptr, nullptr);
        if (!m_scaler)
            corrupt("its pixel format cannot be converted to RGB", AVERROR(EINVAL));
        int space = SWS_CS_DEFAULT;
        switch (m_frame->colorspace) {
        case AVCOL_SPC_BT709:
            space = SWS_CS_ITU709;
            break;
        case AVCOL_SPC_BT2020_NCL:
        case AVCOL_SPC_BT2020_CL:
            space = SWS_CS_BT2020;
            break;
        case AVCOL_SPC_SMPTE240M:
            space = SWS_CS_SMPTE240M;
            break;
        case AVCOL_SPC_FCC:
            space = SWS_CS_FCC;
            break;
        default:
            break;
        }
        const int fullRange = m_frame->color_range == AVCOL_RANGE_JPEG ? 1 : 0;
        sws_setColorspaceDetails(m_scaler, sws_getCoefficients(space), fullRange, sws_getCoefficients(space),
                                 1, 0, 1 << 16, 1 << 16);
        std::uint8_t* planes[1] = {out};
        const int strides[1] = {w * 3};
        sws_scale(m_scaler, m_frame->data, m_frame->linesize, 0, h, planes, strides);
    }

private:
    [[noreturn]] void corrupt(const std::string& why, int ret) const
    {
        std::string message = "Cannot read video '" + m_path.string() + "': " + why;
        if (ret < 0)
            message += " (" + ffmpeg::errorText(ret) + ")";
        throw Error(ErrorKind::CorruptFile, message);
    }

    fs::path m_path;
    AVFormatContext* m_format = nullptr;
    AVCodecContext* m_decoder = nullptr;
    AVStream* m_stream = nullptr;
    AVFrame* m_frame = nullptr;
    AVPacket* m_packet = nullptr;
    SwsContext* m_scaler = nullptr;
    int m_streamIndex = -1;
    bool m_flushed = false;
};

} // namespace

VideoInfo probeVideo(const fs::path& path)
{
    VideoInfo info;
    readVideoFrames(path, 0, &info);
    return info;
}

VideoFrames readVideoFrames(const fs::path& path, int maxFrames, VideoInfo* info)
{
    Decoder decoder(path);
    VideoInfo header = decoder.headerInfo();
    VideoFrames frames;
    frames.width = header.width;
    frames.height = header.height;
    int decoded = 0;
    while (decoder.next()) {
        ++decoded;
        if (maxFrames >= 0 && frames.count >= maxFrames) {
            if (!info)
                break; // nobody needs the exact count
            continue;
        }
        if (decoder.frameWidth() != frames.width || decoder.frameHeight() != frames.height)
            throw Error(ErrorKind::CorruptFile,
                        "Cannot read video '" + path.string() + "': the frame size changes mid-stream");
        frames.rgb.resize(std::size_t(frames.count + 1) * frames.frameBytes());
        decoder.toRgb(frames.frame(frames.count));
        ++frames.count;
    }
    if (info) {
        header.frameCount = decoded;
        *info = std::move(header);
    }
    return frames;
}

} // namespace wan::media

#else // !WAN_MEDIA_HAS_FFMPEG

namespace wan::media {

VideoInfo probeVideo(const std::filesystem::path& path)
{
    readVideoFrames(path);
    return {};
}

VideoFrames readVideoFrames(const std::filesystem::path& path, int, VideoInfo*)
{
    throw Error(ErrorKind::InvalidArgument, "Cannot read video '" + path.string() +
                                                "': this build has no video support (built without "
                                                "WAN_WITH_FFMPEG)");
}

} // namespace wan::media

#endif
