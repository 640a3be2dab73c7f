// The engine's outputs: the VAE decode and its quantisation, the video (MP4 with the settings as metadata),
// the PNG still, the frame sequence, the final latents, and finishing a job from saved latents.
#include "pipeline/EngineImpl.h"

#include "media/Image.h"
#include "media/Mp4Writer.h"
#include "media/Png.h"
#include "pipeline/DeviceInfo.h"

#include <cctype>
#include <cstdio>

#ifndef WAN_VERSION
#define WAN_VERSION "0.0.0"
#endif

namespace wan {

using pipeline::dtypeName;
using pipeline::throwIfCancelled;

namespace {

namespace fs = std::filesystem;

// cache_video's make_grid(normalize, value_range=(-1, 1)) then (x * 255).type(uint8): [3, F, H, W] -> [F, H,
// W, 3].
torch::Tensor quantiseFrames(const torch::Tensor& video)
{
    const auto v = video.detach().to(torch::kCPU, torch::kFloat32).clamp(-1.0, 1.0);
    const auto unit = (v - (-1.0)) / 2;
    return (unit * 255).to(torch::kUInt8).permute({1, 2, 3, 0}).contiguous();
}

// torchvision save_image (the official T2I PNG): round half up instead of truncating.
media::RgbImage quantiseStill(const torch::Tensor& video)
{
    const auto v = video.detach().to(torch::kCPU, torch::kFloat32).clamp(-1.0, 1.0);
    const auto unit = (v - (-1.0)) / 2;
    const auto u8 =
        (unit * 255).add(0.5).clamp(0, 255).to(torch::kUInt8).select(1, 0).permute({1, 2, 0}).contiguous();
    media::RgbImage image;
    image.height = int(u8.size(0));
    image.width = int(u8.size(1));
    image.rgb.assign(u8.data_ptr<std::uint8_t>(), u8.data_ptr<std::uint8_t>() + u8.numel());
    return image;
}

media::VideoFrames toVideoFrames(const torch::Tensor& framesU8)
{
    media::VideoFrames frames;
    frames.count = int(framesU8.size(0));
    frames.height = int(framesU8.size(1));
    frames.width = int(framesU8.size(2));
    frames.rgb.assign(framesU8.data_ptr<std::uint8_t>(),
                      framesU8.data_ptr<std::uint8_t>() + framesU8.numel());
    return frames;
}

// What a request's model is called in logs, metadata and messages: the folder, else the DiT file.
fs::path modelNameOf(const Request& r)
{
    return r.ckptDir.empty() ? r.models.dit.stem() : fs::weakly_canonical(r.ckptDir).filename();
}

// Cleans up the files a job created when it does not finish. Files that existed before the job are never
// removed (a failed write leaves them as they were; PartialFile replaces a file only once complete).
class OutputGuard
{
public:
    // Call before writing `path`.
    void addIfNew(fs::path path)
    {
        std::error_code ec;
        if (!fs::exists(fs::symlink_status(path, ec)))
            m_paths.push_back(std::move(path));
    }
    void commit() { m_paths.clear(); }
    ~OutputGuard()
    {
        for (const auto& p : m_paths) {
            std::error_code ec;
            fs::remove(p, ec);
        }
    }

private:
    std::vector<fs::path> m_paths;
};

} // namespace

std::map<std::string, std::string> Engine::Impl::settingsTags(const Request& r, const pipeline::Geometry& g,
                                                              std::int64_t seed) const
{
    std::map<std::string, std::string> tags;
    tags[media::tag::kPrompt] = r.prompt;
    if (!r.originalPrompt.empty())
        tags["original_prompt"] = r.originalPrompt;
    tags[media::tag::kNegativePrompt] = r.negativePrompt.value_or("");
    tags[media::tag::kSeed] = std::to_string(seed);
    tags[media::tag::kSteps] = std::to_string(r.steps);
    tags[media::tag::kSolver] = toString(r.solver);
    char number[64];
    std::snprintf(number, sizeof(number), "%g", r.shift);
    tags[media::tag::kShift] = number;
    std::snprintf(number, sizeof(number), "%g", r.guideScale);
    tags[media::tag::kGuidance] = number;
    tags[media::tag::kModel] = modelNameOf(r).string();
    tags[media::tag::kSize] = std::to_string(g.width) + "*" + std::to_string(g.height);
    tags[media::tag::kFrames] = std::to_string(g.frames);
    tags[media::tag::kAppVersion] = WAN_VERSION;
    tags["task"] = toString(r.task);
    if (r.samplerMode != SamplerMode::Full)
        tags["sampler_mode"] = toString(r.samplerMode);
    std::string loraList;
    for (const auto& lora : r.loras) {
        std::snprintf(number, sizeof(number), "%g", lora.strength);
        loraList += (loraList.empty() ? "" : ",") + lora.path.filename().string() + ":" + number;
    }
    if (!loraList.empty())
        tags["loras"] = loraList;
    if (r.stepCache != StepCacheMode::Off) {
        tags["cache"] = toString(r.stepCache);
        tags["cache_preset"] = toString(r.cachePreset);
        if (r.cacheThreshold) {
            std::snprintf(number, sizeof(number), "%g", *r.cacheThreshold);
            tags["cache_threshold"] = number;
        }
    }
    tags["precision"] = dtypeName(dtype);
    if (const auto vaeMath = dtypeName(vaeDtype(r)); vaeMath != tags["precision"])
        tags["vae_precision"] = vaeMath; // only where it differs from the job's
    tags["device"] = device.str();
    tags["noise"] = r.noise == NoiseSource::Device && device.is_cuda() ? "device" : "cpu";
    if (r.task == Task::I2V) {
        tags["image"] = r.image.filename().string();
        tags["max_area"] = std::to_string(std::int64_t(r.width) * r.height);
    } else if (r.task == Task::FLF2V) {
        tags["first_frame"] = r.firstFrame.filename().string();
        tags["last_frame"] = r.lastFrame.filename().string();
        tags["max_area"] = std::to_string(std::int64_t(r.width) * r.height);
    } else if (r.task == Task::VACE) {
        if (!r.srcVideo.empty())
            tags["src_video"] = r.srcVideo.filename().string();
        if (!r.srcMask.empty())
            tags["src_mask"] = r.srcMask.filename().string();
        std::string refs;
        for (const auto& file : r.srcRefImages)
            refs += (refs.empty() ? "" : ",") + file.filename().string();
        if (!refs.empty())
            tags["src_ref_images"] = refs;
        std::snprintf(number, sizeof(number), "%g", r.contextScale);
        tags["context_scale"] = number;
    }
    return tags;
}

void Engine::Impl::decodeAndWrite(const Request& r, const torch::Tensor& x0,
                                  const std::map<std::string, std::string>& tags, Result& result)
{
    throwIfCancelled(*callbacks);
    auto options = vaeRunOptions();
    options.progress = [this](int done, int total) { progress(Stage::Decoding, done, total); };
    progress(Stage::Decoding, 0, 0);
    const auto video = [&] {
        const vae::WanVae::DeviceScope onDevice(*vae, device);
        return vae->decode(x0.to(device), options).to(torch::kCPU);
    }();
    pipeline::releaseCachedDeviceMemory(); // what the decode held goes back to the driver
    emit("video", -1, video);
    const auto framesU8 = quantiseFrames(video);
    emit("frames_u8", -1, framesU8);
    result.frames = int(framesU8.size(0));
    result.height = int(framesU8.size(1));
    result.width = int(framesU8.size(2));
    throwIfCancelled(*callbacks);

    progress(Stage::Writing, 0, 1);
    OutputGuard guard;
    const auto frames = toVideoFrames(framesU8);
    if (!r.framesDir.empty()) {
        std::error_code ec;
        fs::create_directories(r.framesDir, ec);
        for (int i = 0; i < frames.count; ++i) {
            throwIfCancelled(*callbacks);
            const auto path = r.framesDir / media::sequenceFrameName(i, frames.count);
            guard.addIfNew(path);
            media::writePng(path, frames, i, media::MediaMetadata{tags});
        }
    }
    if (!r.outputPath.empty()) {
        throwIfCancelled(*callbacks);
        guard.addIfNew(r.outputPath);
        auto ext = r.outputPath.extension().string();
        for (auto& c : ext)
            c = char(std::tolower(static_cast<unsigned char>(c)));
        if (ext == ".png" || (r.task == Task::T2I && ext != ".mp4")) {
            if (frames.count != 1)
                throw Error(ErrorKind::InvalidArgument,
                            "'" + r.outputPath.string() + "': a PNG holds one frame; use .mp4 for videos");
            media::writePng(r.outputPath, quantiseStill(video), media::MediaMetadata{tags});
        } else {
            media::Mp4Options mp4;
            mp4.fps = r.fps;
            mp4.crf = r.crf;
            mp4.metadata.tags = tags;
            media::writeMp4(r.outputPath, frames, mp4, callbacks->cancel);
        }
        result.outputPath = r.outputPath;
    }
    // The output is the final commit: once it replaced the old file, nothing may remove it or the frames.
    guard.commit();
    progress(Stage::Writing, 1, 1);
}

void Engine::Impl::saveLatents(const Request& r, const torch::Tensor& x0,
                               const std::map<std::string, std::string>& tags, Result& result) const
{
    if (r.latentsPath.empty())
        return;
    auto meta = tags;
    meta["title"] = "final latents";
    pipeline::writeLatents(r.latentsPath, x0, meta);
    result.latentsPath = r.latentsPath;
}

void Engine::Impl::finishFromLatents(const Request& r, const fs::path& latentsFile, Result& result)
{
    if (r.outputPath.empty() && r.framesDir.empty())
        throw Error(ErrorKind::InvalidArgument,
                    "finishing from '" + latentsFile.string() +
                        "' writes nothing: give an output file or a frames folder",
                    reason::kNoOutput);
    const auto latents = pipeline::readLatents(latentsFile);
    plan(r, nullptr);
    result.placement = placement.description;
    ensureModels(r, nullptr);
    pipeline::Geometry g;
    g.latFrames = int(latents.size(1));
    g.latHeight = int(latents.size(2));
    g.latWidth = int(latents.size(3));
    g.frames = 1 + pipeline::kVaeStrideT * (g.latFrames - 1);
    g.height = g.latHeight * pipeline::kVaeStrideHW;
    g.width = g.latWidth * pipeline::kVaeStrideHW;
    result.seed = r.seed;
    result.latentsPath = latentsFile;
    decodeAndWrite(r, latents.to(device), settingsTags(r, g, r.seed), result);
}

} // namespace wan
