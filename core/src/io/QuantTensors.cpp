#include "io/QuantTensors.h"

#include "wan/Error.h"

namespace wan::io {

torch::Tensor ggufTensorToTorch(const MappedFile& file, const GgufTensorInfo& tensor, torch::Dtype dtype)
{
    const auto* info = ggmlTypeInfo(tensor.type);
    if (!info || !info->dequantizable)
        throw Error(
            ErrorKind::ModelFolder,
            file.path().string() + ": tensor '" + tensor.name + "' is stored as " +
                (info ? std::string(info->name) : std::to_string(tensor.type)) +
                ", which Wan Studio cannot dequantise (use an F16, BF16, Q8_0, Q6_K, Q5_K, Q5_0, Q5_1, Q4_K, "
                "Q4_0, Q4_1, Q3_K or Q2_K file)");
    if (tensor.dataOffset > file.size() || tensor.dataBytes > file.size() - tensor.dataOffset)
        throw Error(ErrorKind::CorruptFile, file.path().string() + ": tensor '" + tensor.name +
                                                "' lies outside the file (it changed since it was read?)");
    auto out = torch::empty(tensor.shape, torch::kFloat32);
    dequantizeGgml(tensor.type, file.data() + tensor.dataOffset, tensor.dataBytes, out.data_ptr<float>(),
                   tensor.numel);
    return dtype == torch::kFloat32 ? out : out.to(dtype);
}

TensorMap loadGgufDequantized(const std::filesystem::path& path, torch::Dtype dtype)
{
    const auto file = MappedFile::open(path);
    const auto gguf = parseGguf(file->data(), file->size(), path.string());
    TensorMap out;
    for (const auto& t : gguf.tensors)
        out.emplace(t.name, ggufTensorToTorch(*file, t, dtype));
    return out;
}

torch::Tensor dequantizeScaledFp8(const torch::Tensor& weight, const torch::Tensor& scale, torch::Dtype dtype,
                                  const std::string& name)
{
    if (weight.scalar_type() != torch::kFloat8_e4m3fn && weight.scalar_type() != torch::kFloat8_e5m2)
        throw Error(ErrorKind::ModelFolder, "'" + name + "' has a scale_weight but is stored as " +
                                                std::string(c10::toString(weight.scalar_type())) +
                                                ", not fp8");
    if (scale.numel() != 1)
        throw Error(ErrorKind::ModelFolder, "the scale_weight of '" + name + "' has " +
                                                std::to_string(scale.numel()) +
                                                " elements, not 1 (per-tensor scale)");
    return (weight.to(torch::kFloat32) * scale.to(torch::kFloat32).reshape({})).to(dtype);
}

} // namespace wan::io
