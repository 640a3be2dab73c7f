#include "LosslessVideo.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libavutil/opt.h>
}

#include <cstring>
#include <stdexcept>
#include <string>

namespace wan::test {

namespace {

void check(int ret, const char* what)
{
    if (ret < 0) {
        char text[AV_ERROR_MAX_STRING_SIZE] = {};
        av_strerror(ret, text, sizeof(text));
        throw std::runtime_error(std::string("writeLosslessMp4: ") + what + ": " + text);
    }
}

} // namespace

void writeLosslessMp4(const std::filesystem::path& path, const torch::Tensor& frames, int fps)
{
    const auto rgb = frames.contiguous();
    const int count = int(rgb.size(0)), height = int(rgb.size(1)), width = int(rgb.size(2));
    const AVCodec* codec = avcodec_find_encoder_by_name("libx264rgb");
    if (!codec)
        throw std::runtime_error("writeLosslessMp4: this FFmpeg has no libx264rgb encoder");
    AVFormatContext* format = nullptr;
    check(avformat_alloc_output_context2(&format, nullptr, "mp4", path.c_str()), "open");
    AVCodecContext* encoder = avcodec_alloc_context3(codec);
    AVFrame* frame = av_frame_alloc();
    AVPacket* packet = av_packet_alloc();
    const auto cleanup = [&] {
        av_packet_free(&packet);
        av_frame_free(&frame);
        avcodec_free_context(&encoder);
        if (format && format->pb)
            avio_closep(&format->pb);
        avformat_free_context(format);
    };
    try {
        encoder->width = width;
        encoder->height = height;
        encoder->pix_fmt = AV_PIX_FMT_RGB24;
        encoder->time_base = AVRational{1, fps};
        encoder->framerate = AVRational{fps, 1};
        if (format->oformat->flags & AVFMT_GLOBALHEADER)
            encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
        AVDictionary* options = nullptr;
        av_dict_set(&options, "qp", "0", 0);
        av_dict_set(&options, "preset", "ultrafast", 0);
        const int opened = avcodec_open2(encoder, codec, &options);
        av_dict_free(&options);
        check(opened, "open the encoder");
        AVStream* stream = avformat_new_stream(format, nullptr);
        check(avcodec_parameters_from_context(stream->codecpar, encoder), "stream");
        stream->time_base = encoder->time_base;
        check(avio_open(&format->pb, path.c_str(), AVIO_FLAG_WRITE), "create the file");
        check(avformat_write_header(format, nullptr), "header");

        frame->format = AV_PIX_FMT_RGB24;
        frame->width = width;
        frame->height = height;
        check(av_frame_get_buffer(frame, 0), "frame");
        const auto drain = [&](bool flush) {
            for (;;) {
                const int ret = avcodec_receive_packet(encoder, packet);
                if (ret == AVERROR(EAGAIN) || (flush && ret == AVERROR_EOF))
                    return;
                check(ret, "encode");
                // Every frame lasts one tick; without a duration the MP4 edit list drops the last frame.
                if (packet->duration <= 0)
                    packet->duration = 1;
                av_packet_rescale_ts(packet, encoder->time_base, stream->time_base);
                packet->stream_index = stream->index;
                check(av_interleaved_write_frame(format, packet), "write");
            }
        };
        for (int i = 0; i < count; ++i) {
            check(av_frame_make_writable(frame), "frame");
            const auto* src = rgb[i].data_ptr<std::uint8_t>();
            for (int y = 0; y < height; ++y)
                std::memcpy(frame->data[0] + std::ptrdiff_t(y) * frame->linesize[0],
                            src + std::ptrdiff_t(y) * width * 3, std::size_t(width) * 3);
            frame->pts = i;
            check(avcodec_send_frame(encoder, frame), "encode");
            drain(false);
        }
        check(avcodec_send_frame(encoder, nullptr), "flush");
        drain(true);
        check(av_write_trailer(format), "trailer");
    } catch (...) {
        cleanup();
        throw;
    }
    cleanup();
}

} // namespace wan::test
