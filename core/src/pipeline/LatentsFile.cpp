#include "pipeline/LatentsFile.h"

#include "io/TensorIo.h"
#include "media/PartialFile.h"
#include "wan/Error.h"

#include <nlohmann/json.hpp>

#include <bit>
#include <cstring>

namespace wan::pipeline {

void writeLatents(const std::filesystem::path& path, const torch::Tensor& latents,
                  const std::map<std::string, std::string>& metadata)
{
    static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");
    const auto data = latents.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    const auto bytes = std::uint64_t(data.numel()) * sizeof(float);

    nlohmann::json header = nlohmann::json::object();
    nlohmann::json meta = nlohmann::json::object();
    for (const auto& [key, value] : metadata)
        meta[key] = value;
    if (!meta.empty())
        header["__metadata__"] = meta;
    header[kLatentsKey] = {{"dtype", "F32"},
                           {"shape", std::vector<std::int64_t>(data.sizes().begin(), data.sizes().end())},
                           {"data_offsets", {0, bytes}}};
    auto text = header.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    // Pad the header with spaces so the data starts 8-byte aligned (what the reference writer does too).
    while ((8 + text.size()) % 8 != 0)
        text.push_back(' ');
    const std::uint64_t headerSize = text.size();

    media::PartialFile file(path);
    file.write(&headerSize, sizeof(headerSize));
    file.write(text.data(), text.size());
    file.write(data.data_ptr<float>(), bytes);
    file.commit();
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
