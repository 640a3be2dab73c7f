#include "io/QuantTensors.h"

#include "wan/Error.h"

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

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

GgufWeights loadGgufWeights(const std::filesystem::path& path)
{
    const auto file = MappedFile::open(path);
    const auto gguf = parseGguf(file->data(), file->size(), path.string());
    GgufWeights out;
    out.architecture = gguf.architecture();
    for (const auto& t : gguf.tensors) {
        const std::vector<std::int64_t> shape = gguf.realShape(t, path.string());
        const auto type = static_cast<GgmlType>(t.type);
        if (type == GgmlType::F32 || type == GgmlType::F16 || type == GgmlType::BF16) {
            const auto dtype = type == GgmlType::F32   ? torch::kFloat32
                               : type == GgmlType::F16 ? torch::kFloat16
                                                       : torch::kBFloat16;
            // Through float32: exact for all three, and independent of the data's alignment.
            out.tensors.emplace(t.name, ggufTensorToTorch(*file, t, dtype).reshape(shape));
            continue;
        }
        const auto* info = ggmlTypeInfo(t.type);
        if (!info || !info->dequantizable || info->blockElements == 1)
            throw Error(ErrorKind::ModelFolder,
                        path.string() + ": tensor '" + t.name + "' is stored as " +
                            (info ? std::string(info->name) : std::to_string(t.type)) +
                            ", which Wan Studio cannot dequantise (use an F16, BF16, Q8_0, Q6_K, Q5_K, Q5_0, "
                            "Q5_1, Q4_K, Q4_0, Q4_1, Q3_K or Q2_K file)");
        auto keepAlive = file;
        auto* base = const_cast<std::uint8_t*>(file->data()) + t.dataOffset;
        auto raw = torch::from_blob(
            base, {static_cast<std::int64_t>(t.dataBytes)}, [keepAlive](void*) mutable { keepAlive.reset(); },
            torch::TensorOptions(torch::kUInt8));
        out.tensors.emplace(t.name, std::move(raw));
        out.blocks.emplace(t.name, GgufBlocks{t.type, std::move(shape)});
    }
    return out;
}

torch::Tensor dequantizeGgufBlocks(const torch::Tensor& blocks, std::uint32_t type, c10::IntArrayRef shape,
                                   torch::Dtype dtype)
{
    if (!blocks.device().is_cpu())
        return dequantizeGgufBlocksWithTorch(blocks, type, shape, dtype);
    auto out = torch::empty(shape, torch::kFloat32);
    dequantizeGgufBlocksInto(blocks, type, out);
    return out.to(blocks.device(), dtype);
}

void dequantizeGgufBlocksInto(const torch::Tensor& blocks, std::uint32_t type, torch::Tensor& out)
{
    if (!blocks.device().is_cpu() || !out.device().is_cpu() || out.scalar_type() != torch::kFloat32 ||
        !out.is_contiguous())
        throw Error(ErrorKind::Internal,
                    "dequantizeGgufBlocksInto: CPU blocks into a contiguous float32 CPU tensor");
    const auto cpu = blocks.contiguous();
    const auto* info = ggmlTypeInfo(type);
    const std::uint64_t count = std::uint64_t(out.numel());
    const std::uint64_t bytes = std::uint64_t(cpu.numel());
    // Whole blocks decoded in parallel, each thread its own range (each block alone: the same bits as one
    // pass); a bad type or byte count is refused by the single call below. Plain threads: at::parallel_for
    // runs serially in code built without OpenMP.
    if (info && info->dequantizable && info->blockElements > 1 && count % info->blockElements == 0 &&
        count / info->blockElements * info->blockBytes == bytes) {
        const auto* src = cpu.data_ptr<std::uint8_t>();
        float* dst = out.data_ptr<float>();
        constexpr std::uint64_t kGrainBlocks = 4096;
        const std::uint64_t total = count / info->blockElements;
        const std::uint64_t workers = std::clamp<std::uint64_t>(
            total / kGrainBlocks, 1, std::uint64_t(std::max(1, at::get_num_threads())));
        std::vector<std::exception_ptr> errors(workers);
        const auto decode = [&](std::uint64_t w) {
            const std::uint64_t begin = total * w / workers, end = total * (w + 1) / workers;
            try {
                dequantizeGgml(type, src + begin * info->blockBytes, (end - begin) * info->blockBytes,
                               dst + begin * info->blockElements, (end - begin) * info->blockElements);
            } catch (...) {
                errors[w] = std::current_exception();
            }
        };
        std::vector<std::thread> threads;
        for (std::uint64_t w = 1; w < workers; ++w)
            threads.emplace_back(decode, w);
        decode(0);
        for (auto& thread : threads)
            thread.join();
        for (const auto& error : errors)
            if (error)
                std::rethrow_exception(error);
    } else {
        dequantizeGgml(type, cpu.data_ptr<std::uint8_t>(), bytes, out.data_ptr<float>(), count);
    }
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

std::map<std::string, double> takeScaledFp8Scales(TensorMap& weights, const std::filesystem::path& file)
{
    static constexpr std::string_view kScaleWeight = ".scale_weight";
    static constexpr std::string_view kScaleInput = ".scale_input";
    std::map<std::string, double> scales;
    for (auto it = weights.begin(); it != weights.end();) {
        const std::string_view name = it->first;
        if (name == "scaled_fp8" || name.ends_with(kScaleInput)) {
            it = weights.erase(it);
            continue;
        }
        if (!name.ends_with(kScaleWeight)) {
            ++it;
            continue;
        }
        const std::string weightName =
            std::string(name.substr(0, name.size() - kScaleWeight.size())) + ".weight";
        const auto weight = weights.find(weightName);
        if (weight == weights.end())
            throw Error(ErrorKind::ModelFolder, "'" + file.string() + "' has '" + it->first + "' but no '" +
                                                    weightName + "': an incomplete fp8_scaled file");
        try {
            // Validates the dtype and the element count with the shared messages.
            dequantizeScaledFp8(weight->second.flatten().slice(0, 0, 1), it->second, torch::kFloat32,
                                weightName);
        } catch (const Error& e) {
            throw Error(ErrorKind::ModelFolder, "'" + file.string() + "': " + e.what());
        }
        scales[weightName] = it->second.to(torch::kFloat32).reshape({}).item<double>();
        it = weights.erase(it);
    }
    return scales;
}

} // namespace wan::io
