#include "pipeline/LatentsFile.h"

#include "io/TensorIo.h"
#include "media/PartialFile.h"
#include "wan/Error.h"

#include <nlohmann/json.hpp>

#include <bit>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace wan::pipeline {

namespace {

// Format 2 added the step cache's state; format 1 files (without it) are still read.
constexpr const char* kCheckpointFormat = "wan-studio denoise checkpoint 2";
constexpr const char* kCheckpointFormatV1 = "wan-studio denoise checkpoint 1";
constexpr const char* kSamplerTensorPrefix = "sampler.";
constexpr const char* kSamplerIntegerPrefix = "sampler.";
constexpr const char* kFingerprintPrefix = "job.";
constexpr const char* kStepCachePrefix = "step_cache."; // its tensors and its values

std::string number(double value)
{
    char text[64];
    std::snprintf(text, sizeof(text), "%.17g", value);
    return text;
}

[[noreturn]] void notACheckpoint(const std::filesystem::path& path, const std::string& why)
{
    throw Error(ErrorKind::CorruptFile, "'" + path.string() + "' is not a usable denoising checkpoint (" +
                                            why + "): delete it to start the job from the beginning");
}

} // namespace

void writeTensors(const std::filesystem::path& path, const std::map<std::string, torch::Tensor>& tensors,
                  const std::map<std::string, std::string>& metadata)
{
    static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");
    std::vector<torch::Tensor> data;
    nlohmann::json header = nlohmann::json::object();
    nlohmann::json meta = nlohmann::json::object();
    for (const auto& [key, value] : metadata)
        meta[key] = value;
    if (!meta.empty())
        header["__metadata__"] = meta;
    std::uint64_t offset = 0;
    for (const auto& [name, tensor] : tensors) {
        data.push_back(tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous());
        const auto bytes = std::uint64_t(data.back().numel()) * sizeof(float);
        header[name] = {
            {"dtype", "F32"},
            {"shape", std::vector<std::int64_t>(data.back().sizes().begin(), data.back().sizes().end())},
            {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    auto text = header.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    // Pad the header with spaces so the data starts 8-byte aligned (what the reference writer does too).
    while ((8 + text.size()) % 8 != 0)
        text.push_back(' ');
    const std::uint64_t headerSize = text.size();

    media::PartialFile file(path);
    file.write(&headerSize, sizeof(headerSize));
    file.write(text.data(), text.size());
    for (const auto& tensor : data) // std::map order: the order of the header's offsets
        file.write(tensor.data_ptr<float>(), std::size_t(tensor.numel()) * sizeof(float));
    file.commit();
}

void writeLatents(const std::filesystem::path& path, const torch::Tensor& latents,
                  const std::map<std::string, std::string>& metadata)
{
    writeTensors(path, {{kLatentsKey, latents}}, metadata);
}

std::map<std::string, std::string> denoiseFingerprint(const Request& r, const std::string& precision,
                                                      const std::string& textPrecision,
                                                      const std::string& vaePrecision,
                                                      const std::string& deviceType)
{
    std::map<std::string, std::string> f;
    f["task"] = toString(r.task);
    f["model"] = r.ckptDir.empty() ? std::string() : std::filesystem::weakly_canonical(r.ckptDir).string();
    // A set's own files (kept out when unused, so folder checkpoints keep their fingerprint).
    for (const auto& [key, path] :
         {std::pair{"dit_file", &r.models.dit}, std::pair{"t5_file", &r.models.t5},
          std::pair{"vae_file", &r.models.vae}, std::pair{"clip_file", &r.models.clip},
          std::pair{"tokenizer_file", &r.models.tokenizer}})
        if (!path->empty())
            f[key] = std::filesystem::weakly_canonical(*path).string();
    f["prompt"] = r.prompt;
    f["negative_prompt"] = r.negativePrompt.value_or("");
    f["size"] = std::to_string(r.width) + "*" + std::to_string(r.height);
    f["frames"] = std::to_string(r.frameNum);
    f["steps"] = std::to_string(r.steps);
    f["solver"] = toString(r.solver);
    f["shift"] = number(r.shift);
    f["guide_scale"] = number(r.guideScale);
    f["precision"] = precision;
    // Only where the text encoder's math differs from the job's, so earlier checkpoints keep their
    // fingerprint.
    if (textPrecision != precision)
        f["t5_precision"] = textPrecision;
    // The VAE's math changes the latents only of tasks that encode images or video (i2v, flf2v, vace).
    const bool encodes = r.task == Task::I2V || r.task == Task::FLF2V || r.task == Task::VACE;
    if (encodes && vaePrecision != precision)
        f["vae_precision"] = vaePrecision;
    f["device"] = deviceType;
    f["noise"] = r.noise == NoiseSource::Device ? "device" : "cpu";
    f["sampler_mode"] = toString(r.samplerMode);
    f["step_cache"] = toString(r.stepCache);
    // Only with a step cache, so checkpoints of uncached jobs keep their fingerprint.
    if (r.stepCache != StepCacheMode::Off) {
        f["cache_preset"] = toString(r.cachePreset);
        f["cache_threshold"] = r.cacheThreshold ? number(*r.cacheThreshold) : std::string("preset");
    }
    std::string loras;
    for (const auto& lora : r.loras)
        loras += lora.path.string() + ":" + number(lora.strength) + ";";
    f["loras"] = loras;
    f["image"] = r.image.string();
    if (r.imageCrop) // only with a crop, so checkpoints of uncropped jobs keep their fingerprint
        f["image_crop"] = toString(*r.imageCrop);
    f["first_frame"] = r.firstFrame.string();
    f["last_frame"] = r.lastFrame.string();
    f["src_video"] = r.srcVideo.string();
    f["src_mask"] = r.srcMask.string();
    std::string refs;
    for (const auto& file : r.srcRefImages)
        refs += file.string() + ";";
    f["src_ref_images"] = refs;
    f["context_scale"] = number(r.contextScale);
    return f;
}

void writeDenoiseCheckpoint(const std::filesystem::path& path, const DenoiseCheckpoint& c)
{
    std::map<std::string, torch::Tensor> tensors{{kLatentsKey, c.latents}};
    for (const auto& [name, tensor] : c.sampler.tensors)
        tensors[kSamplerTensorPrefix + name] = tensor;
    std::map<std::string, std::string> meta;
    meta["format"] = kCheckpointFormat;
    meta["steps_done"] = std::to_string(c.stepsDone);
    meta["seed"] = std::to_string(c.seed);
    for (const auto& [name, value] : c.sampler.integers)
        meta[std::string(kSamplerIntegerPrefix) + name] = std::to_string(value);
    for (const auto& [name, value] : c.fingerprint)
        meta[kFingerprintPrefix + name] = value;
    if (c.stepCache) {
        for (const auto& [name, tensor] : c.stepCache->tensors)
            tensors[kStepCachePrefix + name] = tensor;
        for (const auto& [name, value] : c.stepCache->values)
            meta[kStepCachePrefix + name] = number(value); // %.17g: the same double back
    }
    writeTensors(path, tensors, meta);
}

DenoiseCheckpoint readDenoiseCheckpoint(const std::filesystem::path& path)
{
    std::map<std::string, std::string> meta;
    io::TensorMap tensors;
    try {
        meta = io::readSafetensorsMetadata(path);
        tensors = io::loadSafetensors(path);
    } catch (const Error& e) {
        notACheckpoint(path, e.what());
    }
    const auto formatIt = meta.find("format");
    if (formatIt == meta.end() ||
        (formatIt->second != kCheckpointFormat && formatIt->second != kCheckpointFormatV1))
        notACheckpoint(path, "no \"" + std::string(kCheckpointFormat) + "\" header");
    const bool version1 = formatIt->second == kCheckpointFormatV1;
    const auto integer = [&](const std::string& key) {
        const auto it = meta.find(key);
        if (it == meta.end())
            notACheckpoint(path, "\"" + key + "\" is missing");
        try {
            std::size_t used = 0;
            const auto value = std::stoll(it->second, &used);
            if (used != it->second.size())
                throw std::invalid_argument("trailing text");
            return std::int64_t(value);
        } catch (const std::exception&) {
            notACheckpoint(path, "\"" + key + "\" is not a number");
        }
    };
    DenoiseCheckpoint c;
    const auto steps = integer("steps_done");
    if (steps < 0 || steps > 1000)
        notACheckpoint(path, "step " + std::to_string(steps) + " is out of range");
    c.stepsDone = int(steps);
    c.seed = integer("seed");
    const std::string samplerPrefix = kSamplerIntegerPrefix;
    const std::string fingerprintPrefix = kFingerprintPrefix;
    const std::string stepCachePrefix = kStepCachePrefix;
    StepCacheState stepCache;
    for (const auto& [key, value] : meta) {
        if (key.rfind(samplerPrefix, 0) == 0) {
            c.sampler.integers[key.substr(samplerPrefix.size())] = integer(key);
        } else if (key.rfind(fingerprintPrefix, 0) == 0) {
            c.fingerprint[key.substr(fingerprintPrefix.size())] = value;
        } else if (key.rfind(stepCachePrefix, 0) == 0 && !version1) {
            char* end = nullptr;
            const double parsed = std::strtod(value.c_str(), &end);
            if (value.empty() || end != value.c_str() + value.size())
                notACheckpoint(path, "\"" + key + "\" is not a number");
            stepCache.values[key.substr(stepCachePrefix.size())] = parsed;
        }
    }
    for (const auto& [name, tensor] : tensors) {
        if (tensor.scalar_type() != torch::kFloat32)
            notACheckpoint(path, "tensor \"" + name + "\" is not float32");
        if (name == kLatentsKey)
            c.latents = tensor.clone();
        else if (name.rfind(kSamplerTensorPrefix, 0) == 0)
            c.sampler.tensors[name.substr(std::strlen(kSamplerTensorPrefix))] = tensor.clone();
        else if (name.rfind(kStepCachePrefix, 0) == 0 && !version1)
            stepCache.tensors[name.substr(std::strlen(kStepCachePrefix))] = tensor.clone();
        else
            notACheckpoint(path, "unknown tensor \"" + name + "\"");
    }
    if (!stepCache.values.empty() || !stepCache.tensors.empty())
        c.stepCache = std::move(stepCache);
    // The job's step cache (its fingerprint) and the saved state agree: a cached job's checkpoint holds the
    // cache's state, an uncached job's none. Format 1 never saved it.
    const auto cacheMode = c.fingerprint.find("step_cache");
    if (cacheMode != c.fingerprint.end()) {
        const bool cached = cacheMode->second != toString(StepCacheMode::Off);
        if (cached && version1)
            notACheckpoint(path, "made by an older version that did not save the step cache's state");
        if (cached && !c.stepCache)
            notACheckpoint(path, "the step cache's state is missing");
        if (!cached && c.stepCache)
            notACheckpoint(path, "it holds a step cache's state, but its job has no step cache");
    }
    if (!c.latents.defined() || c.latents.dim() != 4 || c.latents.size(0) != 16)
        notACheckpoint(path, "no latents [16, T, h, w]");
    for (const auto& [name, tensor] : c.sampler.tensors)
        if (tensor.sizes() != c.latents.sizes())
            notACheckpoint(path, "sampler tensor \"" + name + "\" has another shape than the latents");
    if (c.sampler.integers.count("step_index") == 0 || c.sampler.integers.at("step_index") != c.stepsDone)
        notACheckpoint(path, "the sampler's step does not match the saved step");
    return c;
}

void checkDenoiseCheckpoint(const std::filesystem::path& path, const DenoiseCheckpoint& c,
                            const std::map<std::string, std::string>& fingerprint, std::int64_t seed)
{
    const auto foreign = [&](const std::string& field, const std::string& saved, const std::string& wanted) {
        const auto shorten = [](std::string text) {
            return text.size() > 60 ? text.substr(0, 57) + "..." : text;
        };
        throw Error(ErrorKind::InvalidArgument,
                    "'" + path.string() + "' is the saved progress of another job (" + field + " \"" +
                        shorten(saved) + "\" there, \"" + shorten(wanted) +
                        "\" here): delete it to start over, or resume with the settings it was made with");
    };
    if (seed >= 0 && seed != c.seed)
        foreign("seed", std::to_string(c.seed), std::to_string(seed));
    const auto check = [&](const std::string& field, const std::string& wanted) {
        const auto it = c.fingerprint.find(field);
        const std::string saved = it == c.fingerprint.end() ? std::string("(none)") : it->second;
        if (saved != wanted)
            foreign(field, saved, wanted);
    };
    // The step cache's method before its settings (which exist only with a method).
    if (const auto mode = fingerprint.find("step_cache"); mode != fingerprint.end())
        check(mode->first, mode->second);
    for (const auto& [field, wanted] : fingerprint)
        check(field, wanted);
}

torch::Tensor readLatents(const std::filesystem::path& path)
{
    if (!std::filesystem::exists(path))
        throw Error(ErrorKind::Io, "Latents file '" + path.string() + "' does not exist");
    const auto tensors = io::loadSafetensors(path);
    const auto it = tensors.find(kLatentsKey);
    if (it == tensors.end())
        throw Error(ErrorKind::CorruptFile,
                    "'" + path.string() +
                        "' holds no tensor named \"latents\": not a latents file of this program");
    const auto& latents = it->second;
    if (latents.dim() != 4 || latents.size(0) != 16 || !latents.is_floating_point())
        throw Error(ErrorKind::CorruptFile,
                    "'" + path.string() + "': \"latents\" must be a float tensor [16, T, H/8, W/8]");
    return latents.to(torch::kFloat32).clone();
}

} // namespace wan::pipeline
