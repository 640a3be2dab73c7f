#include "support/FormatConverter.h"

#include "io/RawGguf.h"
#include "support/CheckpointWriter.h"
#include "support/GgufWriter.h"

namespace wan::test {

namespace {

std::string bytesOf(const torch::Tensor& t)
{
    const auto c = t.contiguous().cpu();
    return std::string(static_cast<const char*>(c.data_ptr()), c.numel() * c.element_size());
}

std::string safetensorsDtype(torch::ScalarType t)
{
    switch (t) {
    case torch::kFloat32:
        return "F32";
    case torch::kFloat16:
        return "F16";
    case torch::kBFloat16:
        return "BF16";
    case torch::kFloat8_e4m3fn:
        return "F8_E4M3";
    case torch::kFloat8_e5m2:
        return "F8_E5M2";
    case torch::kInt64:
        return "I64";
    default:
        throw std::runtime_error("FormatConverter: unsupported dtype");
    }
}

SafetensorsSpec spec(const std::string& name, const torch::Tensor& t)
{
    return {name, safetensorsDtype(t.scalar_type()), t.sizes().vec(), bytesOf(t)};
}

} // namespace

std::string toSafetensors(const io::TensorMap& weights, const std::string& prefix, ConvertedStorage storage)
{
    std::vector<SafetensorsSpec> specs;
    for (const auto& [name, tensor] : weights) {
        const bool weight = tensor.is_floating_point() && tensor.dim() >= 2;
        switch (storage) {
        case ConvertedStorage::Fp32:
            specs.push_back(spec(prefix + name, tensor.to(torch::kFloat32)));
            break;
        case ConvertedStorage::Fp16:
            specs.push_back(spec(prefix + name, tensor.to(torch::kFloat16)));
            break;
        case ConvertedStorage::Bf16:
            specs.push_back(spec(prefix + name, tensor.to(torch::kBFloat16)));
            break;
        case ConvertedStorage::Fp8E4M3:
            specs.push_back(
                spec(prefix + name, weight ? tensor.to(torch::kFloat8_e4m3fn) : tensor.to(torch::kFloat32)));
            break;
        case ConvertedStorage::Fp8Scaled:
            if (weight && name.ends_with(".weight")) {
                const auto w = tensor.to(torch::kFloat32);
                const auto scale = (w.abs().max() / 448.0f).clamp_min(1e-12f);
                specs.push_back(spec(prefix + name, (w / scale).to(torch::kFloat8_e4m3fn)));
                const auto module = name.substr(0, name.size() - std::string(".weight").size());
                specs.push_back(spec(prefix + module + ".scale_weight", scale.reshape({})));
            } else {
                specs.push_back(spec(prefix + name, tensor.to(torch::kFloat32)));
            }
            break;
        }
    }
    if (storage == ConvertedStorage::Fp8Scaled)
        specs.push_back(spec(prefix + "scaled_fp8", torch::empty({0}, torch::kFloat8_e4m3fn)));
    return safetensorsFile(specs);
}

std::string toGguf(const io::TensorMap& weights, const std::string& arch)
{
    GgufWriter w;
    w.kvString("general.architecture", arch);
    for (const auto& [name, tensor] : weights) {
        auto t = tensor.to(torch::kFloat32).contiguous();
        if (t.dim() > 4) {
            std::vector<std::int64_t> kept;
            for (auto d : t.sizes())
                if (d != 1)
                    kept.push_back(d);
            t = t.reshape(kept);
        }
        const auto shape = t.sizes().vec();
        if (t.dim() >= 2 && shape.back() % 32 == 0)
            w.tensor(name, std::uint32_t(io::GgmlType::Q8_0), shape,
                     quantizeQ8_0(t.data_ptr<float>(), std::size_t(t.numel())));
        else
            w.tensor(name, std::uint32_t(io::GgmlType::F32), shape, bytesOf(t));
    }
    return w.bytes();
}

} // namespace wan::test
