#include "pipeline/Conditioning.h"

#include "media/Image.h"
#include "media/VideoReader.h"
#include "wan/Error.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace wan::pipeline {

namespace fs = std::filesystem;
namespace F = torch::nn::functional;

namespace {

[[noreturn]] void invalid(const std::string& message)
{
    throw Error(ErrorKind::InvalidArgument, message);
}

std::string quoted(const fs::path& path)
{
    return "'" + path.string() + "'";
}

std::string sizeText(int64_t width, int64_t height)
{
    return std::to_string(width) + "x" + std::to_string(height);
}

// Python's round(): half to even, as std::nearbyint in the default rounding mode.
int roundHalfEven(double v)
{
    return int(std::nearbyint(v));
}

torch::Tensor u8Tensor(const media::RgbImage& image)
{
    // [H, W, 3] uint8, owning its data
    return torch::from_blob(const_cast<std::uint8_t*>(image.rgb.data()), {image.height, image.width, 3},
                            torch::kUInt8)
        .clone();
}

// TF.to_tensor(image).sub_(0.5).div_(0.5): [3, H, W] float32.
torch::Tensor unitTensor(const media::RgbImage& image)
{
    return u8Tensor(image).permute({2, 0, 1}).to(torch::kFloat32).div(255).sub(0.5).div(0.5);
}

torch::Tensor bicubic(const torch::Tensor& image, int64_t height, int64_t width)
{
    // [3, H, W] -> [3, height, width], no antialias, not clamped
    return F::interpolate(image.unsqueeze(0), F::InterpolateFuncOptions()
                                                  .size(std::vector<int64_t>{height, width})
                                                  .mode(torch::kBicubic)
                                                  .align_corners(false))[0];
}

bool isPng(const fs::path& file)
{
    auto ext = file.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".png";
}

media::RgbImage loadInputImage(const fs::path& file, const std::string& flag)
{
    try {
        return media::loadImageRgb(file, media::ExifOrientation::Apply); // as the GUI shows it
    } catch (const Error& e) {
        invalid(flag + ": " + e.what());
    }
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------

torch::Tensor fitLastFrame(const torch::Tensor& last, int firstWidth, int firstHeight)
{
    // last: [3, Hl, Wl] -> [3, round(Wl*r), round(Hl*r)]
    const int64_t lastHeight = last.size(1), lastWidth = last.size(2);
    if (lastWidth == firstWidth && lastHeight == firstHeight)
        return last;
    const double ratio =
        std::max(double(firstWidth) / double(lastWidth), double(firstHeight) / double(lastHeight));
    // The (width, height) list read as (height, width): the official quirk, kept for parity.
    const int64_t cropHeight = roundHalfEven(double(lastWidth) * ratio);
    const int64_t cropWidth = roundHalfEven(double(lastHeight) * ratio);

    auto image = last;
    if (cropWidth > lastWidth || cropHeight > lastHeight) {
        const int64_t left = cropWidth > lastWidth ? (cropWidth - lastWidth) / 2 : 0;
        const int64_t top = cropHeight > lastHeight ? (cropHeight - lastHeight) / 2 : 0;
        const int64_t right = cropWidth > lastWidth ? (cropWidth - lastWidth + 1) / 2 : 0;
        const int64_t bottom = cropHeight > lastHeight ? (cropHeight - lastHeight + 1) / 2 : 0;
        image = F::pad(last, F::PadFuncOptions({left, right, top, bottom}).mode(torch::kConstant).value(0.0));
    }
    const int64_t height = image.size(1), width = image.size(2);
    const int64_t cropTop = roundHalfEven(double(height - cropHeight) / 2.0);
    const int64_t cropLeft = roundHalfEven(double(width - cropWidth) / 2.0);
    return image.narrow(1, cropTop, cropHeight).narrow(2, cropLeft, cropWidth).contiguous();
}

torch::Tensor firstLastMask(const Geometry& g)
{
    // -> [4, latFrames, latH, latW]
    auto mask = torch::ones({1, g.frames, g.latHeight, g.latWidth}, torch::kFloat32);
    mask.narrow(1, 1, g.frames - 2).zero_();
    mask = torch::cat({mask.narrow(1, 0, 1).repeat_interleave(4, 1), mask.narrow(1, 1, g.frames - 1)}, 1);
    return mask.view({1, mask.size(1) / 4, 4, g.latHeight, g.latWidth}).transpose(1, 2)[0].contiguous();
}

FirstLastConditioning firstLastConditioning(const Request& r, const ConditioningHooks& hooks)
{
    const auto firstImage = media::loadImageRgb(r.firstFrame, media::ExifOrientation::Apply);
    const auto lastImage = media::loadImageRgb(r.lastFrame, media::ExifOrientation::Apply);
    const auto first = unitTensor(firstImage);
    const auto last = fitLastFrame(unitTensor(lastImage), firstImage.width, firstImage.height);
    hooks.emit("first", first);
    hooks.emit("last", last);

    FirstLastConditioning out;
    auto& g = out.geometry;
    g = imageToVideoGeometry(firstImage.width, firstImage.height, std::int64_t(r.width) * r.height,
                             r.frameNum, hooks.patch);
    if (g.latHeight < 2 || g.latWidth < 2)
        invalid("the maximum area " + std::to_string(std::int64_t(r.width) * r.height) +
                " is too small for the first frame's aspect ratio (" +
                sizeText(firstImage.width, firstImage.height) + ")");

    out.clipFea = hooks.clipEncode({first, last});
    hooks.emit("clip_fea", out.clipFea);

    const auto vaeInput = torch::cat({bicubic(first, g.height, g.width).unsqueeze(1),
                                      torch::zeros({3, g.frames - 2, g.height, g.width}, torch::kFloat32),
                                      bicubic(last, g.height, g.width).unsqueeze(1)},
                                     1);
    hooks.emit("vae_encode_input", vaeInput);
    const auto latent = hooks.vaeEncode(vaeInput);
    out.y = torch::cat({firstLastMask(g).to(latent.device()), latent}, 0);
    hooks.emit("y", out.y);
    return out;
}

// ---------------------------------------------------------------------------------------------------------------

torch::Tensor readFrames(const fs::path& path, const std::string& flag)
{
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(path, ec)) {
            if (entry.is_regular_file(ec) && isPng(entry.path()))
                files.push_back(entry.path());
        }
        if (ec)
            invalid(flag + ": the folder " + quoted(path) + " cannot be listed: " + ec.message());
        if (files.empty())
            invalid(flag + ": the folder " + quoted(path) + " holds no PNG frames (*.png)");
        std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
            return a.filename().string() < b.filename().string();
        });
        std::vector<torch::Tensor> frames;
        for (const auto& file : files) {
            const auto image = loadInputImage(file, flag);
            if (!frames.empty() &&
                (image.height != frames.front().size(0) || image.width != frames.front().size(1)))
                invalid(flag + ": frame " + quoted(file) + " is " + sizeText(image.width, image.height) +
                        ", but " + quoted(files.front()) + " is " +
                        sizeText(frames.front().size(1), frames.front().size(0)) +
                        ": all frames need one size");
            frames.push_back(u8Tensor(image));
        }
        return torch::stack(frames);
    }
    if (!fs::exists(path, ec))
        invalid(flag + ": " + quoted(path) + " does not exist (give a video file or a folder of PNG frames)");
    media::VideoFrames video;
    try {
        video = media::readVideoFrames(path);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Cancelled || e.kind() == ErrorKind::OutOfMemory)
            throw;
        invalid(flag + ": " + e.what());
    }
    if (video.count < 1)
        invalid(flag + ": the video " + quoted(path) + " holds no frames");
    return torch::from_blob(video.rgb.data(), {video.count, video.height, video.width, 3}, torch::kUInt8)
        .clone();
}

torch::Tensor resizeCropFrames(const torch::Tensor& frames, int outHeight, int outWidth)
{
    // frames: [F, H, W, 3] uint8 -> [F, outHeight, outWidth, 3] uint8
    const int64_t ih = frames.size(1), iw = frames.size(2);
    if (ih == outHeight && iw == outWidth)
        return frames;
    const double scale = std::max(double(outWidth) / double(iw), double(outHeight) / double(ih));
    const int64_t height = std::max(roundHalfEven(scale * double(ih)), outHeight);
    const int64_t width = std::max(roundHalfEven(scale * double(iw)), outWidth);
    const auto options = F::InterpolateFuncOptions()
                             .size(std::vector<int64_t>{height, width})
                             .mode(torch::kBicubic)
                             .align_corners(false)
                             .antialias(true);
    const auto nchw = frames.permute({0, 3, 1, 2}).contiguous();
    torch::Tensor resized;
    try {
        // The official resize runs on the decoded uint8 frames.
        resized = F::interpolate(nchw, options);
    } catch (const c10::Error&) {
        resized = F::interpolate(nchw.to(torch::kFloat32), options).round().clamp(0, 255).to(torch::kUInt8);
    }
    const int64_t x1 = (width - outWidth) / 2, y1 = (height - outHeight) / 2;
    return resized.narrow(2, y1, outHeight).narrow(3, x1, outWidth).permute({0, 2, 3, 1}).contiguous();
}

VaceSource loadVaceSource(const Request& r)
{
    VaceSource s;
    if (r.srcVideo.empty()) {
        if (!r.srcMask.empty())
            invalid("the VACE mask " + quoted(r.srcMask) + " needs the source video it masks");
        s.width = r.width;
        s.height = r.height;
        s.frames = r.frameNum;
        if (s.width <= 0 || s.height <= 0 || s.frames <= 0)
            invalid("VACE without a source video needs a size and a frame count for its blank canvas");
        // prepare_source: an empty canvas to generate everywhere.
        s.video = torch::zeros({3, s.frames, s.height, s.width}, torch::kFloat32);
        s.mask = torch::ones({1, s.frames, s.height, s.width}, torch::kFloat32);
    } else {
        auto video = readFrames(r.srcVideo, "source video");
        torch::Tensor mask;
        if (!r.srcMask.empty()) {
            mask = readFrames(r.srcMask, "mask");
            if (mask.size(0) != video.size(0))
                invalid("the mask " + quoted(r.srcMask) + " has " + std::to_string(mask.size(0)) +
                        " frames but the source video " + quoted(r.srcVideo) + " has " +
                        std::to_string(video.size(0)) + ": they must match frame for frame");
            if (mask.size(1) != video.size(1) || mask.size(2) != video.size(2))
                invalid("the mask " + quoted(r.srcMask) + " is " + sizeText(mask.size(2), mask.size(1)) +
                        " but the source video " + quoted(r.srcVideo) + " is " +
                        sizeText(video.size(2), video.size(1)) + ": they must have the same size");
        }
        const int available = int(video.size(0));
        s.frames = r.frameNum > 0 ? r.frameNum : (available - 1) / 4 * 4 + 1;
        if (s.frames > available)
            invalid("the source video " + quoted(r.srcVideo) + " has " + std::to_string(available) +
                    " frames, fewer than the " + std::to_string(s.frames) + " asked for");
        if (r.frameNum <= 0 && s.frames != available)
            spdlog::info("{}: {} frames; using the first {} (a VACE video has 4n+1 frames)",
                         r.srcVideo.string(), available, s.frames);
        // Without a size asked for, the source's own, cut down to multiples of 16 (the mask packs 8x8 pixel
        // cells into channels over a latent grid of even size).
        s.height = r.height > 0 ? r.height : int(video.size(1)) / 16 * 16;
        s.width = r.width > 0 ? r.width : int(video.size(2)) / 16 * 16;
        if (s.height < 16 || s.width < 16)
            invalid("the source video " + quoted(r.srcVideo) + " is " +
                    sizeText(video.size(2), video.size(1)) + ", smaller than the 16x16 a VACE video needs");
        video = resizeCropFrames(video.narrow(0, 0, s.frames), s.height, s.width);
        s.video = video.permute({3, 0, 1, 2}).to(torch::kFloat32).div(127.5).sub(1.0);
        if (mask.defined()) {
            mask = resizeCropFrames(mask.narrow(0, 0, s.frames), s.height, s.width);
            const auto m = mask.permute({3, 0, 1, 2}).narrow(0, 0, 1).to(torch::kFloat32).div(127.5).sub(1.0);
            s.mask = m.add(1).div(2).clamp(0, 1);
        } else {
            s.mask = torch::ones({1, s.frames, s.height, s.width}, torch::kFloat32);
        }
    }
    if (s.width % 16 != 0 || s.height % 16 != 0)
        invalid("size " + std::to_string(s.width) + "*" + std::to_string(s.height) +
                " is not valid for VACE: width and height must be multiples of 16");
    if ((s.frames - 1) % 4 != 0)
        invalid("frame count must be 4n+1 (1, 5, 9, ..., 81), got " + std::to_string(s.frames));

    for (const auto& file : r.srcRefImages) {
        auto ref = unitTensor(loadInputImage(file, "reference image")).unsqueeze(1); // [3, 1, h, w]
        const int64_t h = ref.size(2), w = ref.size(3);
        if (h != s.height || w != s.width) {
            // prepare_source: fitted inside a white canvas, centred, bilinear.
            const double scale = std::min(double(s.height) / double(h), double(s.width) / double(w));
            const auto newHeight = std::max<int64_t>(1, int64_t(double(h) * scale));
            const auto newWidth = std::max<int64_t>(1, int64_t(double(w) * scale));
            const auto resized = F::interpolate(ref.squeeze(1).unsqueeze(0),
                                                F::InterpolateFuncOptions()
                                                    .size(std::vector<int64_t>{newHeight, newWidth})
                                                    .mode(torch::kBilinear)
                                                    .align_corners(false))
                                     .squeeze(0)
                                     .unsqueeze(1);
            auto canvas = torch::ones({3, 1, s.height, s.width}, torch::kFloat32);
            canvas.narrow(2, (s.height - newHeight) / 2, newHeight)
                .narrow(3, (s.width - newWidth) / 2, newWidth)
                .copy_(resized);
            ref = canvas;
        }
        s.refs.push_back(ref);
    }
    return s;
}

torch::Tensor vaceMaskChannels(const torch::Tensor& mask, int refs)
{
    // mask: [1, F, H, W] -> [64, refs + (F+3)/4, H/8, W/8]
    const int64_t frames = mask.size(1);
    const int64_t height = 2 * (mask.size(2) / 16), width = 2 * (mask.size(3) / 16);
    auto m = mask[0]
                 .reshape({frames, height, 8, width, 8})
                 .permute({2, 4, 0, 1, 3})
                 .reshape({64, frames, height, width});
    m = F::interpolate(m.unsqueeze(0), F::InterpolateFuncOptions()
                                           .size(std::vector<int64_t>{(frames + 3) / 4, height, width})
                                           .mode(torch::kNearestExact))[0];
    if (refs > 0)
        m = torch::cat({torch::zeros({64, refs, height, width}, m.options()), m}, 1);
    return m;
}

VaceConditioning vaceConditioning(const VaceSource& source, const ConditioningHooks& hooks)
{
    const auto m = torch::where(source.mask > 0.5, 1.0, 0.0).to(torch::kFloat32);
    const auto inactive = source.video * (1 - m);
    const auto reactive = source.video * m;
    hooks.emit("vae_encode_inactive", inactive);
    hooks.emit("vae_encode_reactive", reactive);
    const auto latentInactive = hooks.vaeEncode(inactive);
    const auto latentReactive = hooks.vaeEncode(reactive);
    hooks.emit("latent_inactive", latentInactive);
    hooks.emit("latent_reactive", latentReactive);

    std::vector<torch::Tensor> frames;
    for (const auto& ref : source.refs) {
        const auto latent = hooks.vaeEncode(ref);
        if (frames.empty())
            hooks.emit("latent_ref", latent);
        frames.push_back(torch::cat({latent, torch::zeros_like(latent)}, 0));
    }
    frames.push_back(torch::cat({latentInactive, latentReactive}, 0));
    const auto latent = torch::cat(frames, 1);
    const int refs = int(source.refs.size());

    VaceConditioning out;
    out.refFrames = refs;
    out.context = torch::cat({latent, vaceMaskChannels(source.mask, refs).to(latent.device())}, 0);
    hooks.emit("vace_context", out.context);

    auto& g = out.geometry;
    g.frames = source.frames;
    g.height = source.height;
    g.width = source.width;
    g.latFrames = int(out.context.size(1));
    g.latHeight = int(out.context.size(2));
    g.latWidth = int(out.context.size(3));
    g.seqLen = sequenceLength(g.latFrames, g.latHeight, g.latWidth, hooks.patch);
    return out;
}

} // namespace wan::pipeline
