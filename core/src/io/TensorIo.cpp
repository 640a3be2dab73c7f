#include "io/TensorIo.h"

#include "io/MappedFile.h"
#include "io/RawIo.h"
#include "wan/Error.h"
#include "wan/ModelFolder.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace wan::io {

namespace {

namespace fs = std::filesystem;

torch::Dtype torchDtype(DType dtype)
{
    switch (dtype) {
    case DType::F32:
        return torch::kFloat32;
    case DType::F16:
        return torch::kFloat16;
    case DType::BF16:
        return torch::kBFloat16;
    case DType::F64:
        return torch::kFloat64;
    case DType::I64:
        return torch::kInt64;
    case DType::I32:
        return torch::kInt32;
    case DType::I16:
        return torch::kInt16;
    case DType::I8:
        return torch::kInt8;
    case DType::U8:
        return torch::kUInt8;
    case DType::Bool:
        return torch::kBool;
    case DType::F8E4M3:
        return torch::kFloat8_e4m3fn;
    case DType::F8E5M2:
        return torch::kFloat8_e5m2;
    }
    return torch::kUInt8;
}

// A tensor aliasing the mapping when the storage start is aligned for its dtype, otherwise a copy.
torch::Tensor wrap(const std::shared_ptr<MappedFile>& file, const RawTensor& raw)
{
    const torch::Dtype dtype = torchDtype(raw.dtype);
    const std::size_t item = dtypeSize(raw.dtype);
    const std::int64_t storageNumel = static_cast<std::int64_t>(raw.dataBytes / item);
    auto* base = const_cast<std::uint8_t*>(file->data()) + raw.dataOffset;
    torch::Tensor storage;
    if (storageNumel == 0) {
        storage = torch::empty({0}, dtype);
    } else if (reinterpret_cast<std::uintptr_t>(base) % item == 0) {
        auto keepAlive = file; // the mapping lives as long as any tensor sharing this storage
        storage = torch::from_blob(
            base, {storageNumel}, [keepAlive](void*) mutable { keepAlive.reset(); },
            torch::TensorOptions(dtype));
    } else {
        storage = torch::empty({storageNumel}, dtype);
        std::memcpy(storage.data_ptr(), base, raw.dataBytes);
    }
    return storage.as_strided(raw.shape, raw.strides, raw.storageOffset);
}

} // namespace

TensorMap loadSafetensors(const fs::path& file)
{
    const auto mapped = MappedFile::open(file);
    const auto header = parseSafetensorsHeader(mapped->data(), mapped->size(), file.string());
    TensorMap out;
    for (const auto& raw : header.tensors)
        out.emplace(raw.name, wrap(mapped, raw));
    spdlog::debug("{}: {} tensors (safetensors)", file.string(), out.size());
    return out;
}

std::map<std::string, std::string> readSafetensorsMetadata(const fs::path& file)
{
    const auto mapped = MappedFile::open(file);
    return parseSafetensorsHeader(mapped->data(), mapped->size(), file.string()).metadata;
}

TensorMap loadPth(const fs::path& file)
{
    const auto mapped = MappedFile::open(file);
    const auto archive = parsePthArchive(mapped->data(), mapped->size(), file.string());
    TensorMap out;
    // Tensors of one storage share one torch storage, as they did when saved.
    std::map<std::string, torch::Tensor> storages;
    for (const auto& raw : archive.tensors) {
        auto it = storages.find(raw.storageKey);
        if (it == storages.end()) {
            RawTensor whole = raw;
            const auto numel = static_cast<std::int64_t>(raw.dataBytes / dtypeSize(raw.dtype));
            whole.shape = {numel};
            whole.strides = {1};
            whole.storageOffset = 0;
            // float8 never comes from a torch storage type, so the storage is always a plain dtype here.
            it = storages.emplace(raw.storageKey, wrap(mapped, whole)).first;
        }
        if (it->second.scalar_type() != torchDtype(raw.dtype))
            throw Error(ErrorKind::CorruptFile, "cannot read .pth file " + file.string() + ": storage '" +
                                                    raw.storageKey + "' is used with two dtypes");
        torch::Tensor view;
        try { // parsePthArchive checked the view against its storage; torch must never be the one to say no
            view = it->second.as_strided(raw.shape, raw.strides, raw.storageOffset);
        } catch (const c10::Error& e) {
            throw Error(ErrorKind::CorruptFile, "cannot read .pth file " + file.string() + ": tensor '" +
                                                    raw.name + "' does not fit its storage '" +
                                                    raw.storageKey + "': " + e.what_without_backtrace());
        }
        if (!out.emplace(raw.name, std::move(view)).second)
            throw Error(ErrorKind::CorruptFile, "cannot read .pth file " + file.string() + ": tensor '" +
                                                    raw.name + "' appears twice");
    }
    spdlog::debug("{}: {} tensors (torch.save archive)", file.string(), out.size());
    return out;
}

TensorMap loadDitWeights(const fs::path& ckptDir)
{
    const fs::path single = ckptDir / officialFiles::kDit;
    const fs::path indexFile = ckptDir / officialFiles::kDitIndex;
    if (fs::is_regular_file(single))
        return loadSafetensors(single);
    if (!fs::is_regular_file(indexFile))
        throw Error(
            ErrorKind::ModelFolder,
            "DiT weights not found in " + ckptDir.string() +
                ": expected diffusion_pytorch_model.safetensors or diffusion_pytorch_model.safetensors."
                "index.json with its shards (official weights: Wan-AI/Wan2.1-T2V-1.3B, Wan2.1-T2V-14B, "
                "Wan2.1-I2V-14B-480P/720P on Hugging Face or ModelScope)");

    return loadSafetensorsShards(indexFile);
}

TensorMap loadSafetensorsShards(const fs::path& indexFile)
{
    const fs::path dir = indexFile.parent_path();
    const auto weightMap = readDitIndex(indexFile);
    std::map<std::string, std::vector<std::string>> byShard;
    for (const auto& [name, shard] : weightMap)
        byShard[shard].push_back(name);
    TensorMap out;
    for (const auto& [shard, names] : byShard) {
        const fs::path shardFile = dir / shard;
        if (!fs::is_regular_file(shardFile))
            throw Error(ErrorKind::ModelFolder, "shard " + shardFile.string() + " listed in " +
                                                    indexFile.filename().string() + " is missing");
        auto tensors = loadSafetensors(shardFile);
        for (const auto& name : names) {
            auto it = tensors.find(name);
            if (it == tensors.end())
                throw Error(ErrorKind::CorruptFile, indexFile.string() + " maps '" + name + "' to " + shard +
                                                        ", which has no such tensor");
            out.emplace(name, std::move(it->second));
            tensors.erase(it);
        }
        if (!tensors.empty())
            spdlog::warn("{}: {} tensors not listed in {} are ignored (first: {})", shardFile.string(),
                         tensors.size(), indexFile.filename().string(), tensors.begin()->first);
    }
    return out;
}

RenamedWeights renameWeights(TensorMap weights, std::span<const NameRule> rules, const fs::path& file)
{
    RenamedWeights out;
    for (auto& [key, tensor] : weights) {
        auto official = officialName(key, rules);
        const std::string name = official ? *official : key;
        if (out.weights.count(name))
            throw Error(ErrorKind::ModelFolder, file.string() + " holds tensor '" + name +
                                                    "' twice (under two names, e.g. '" + key +
                                                    "'): it mixes two layouts");
        if (official)
            out.fileNames.emplace(name, key);
        out.weights.emplace(name, std::move(tensor));
    }
    return out;
}

std::function<std::string(const std::string&)> namesInFile(const RenamedWeights& renamed,
                                                           std::span<const NameRule> rules)
{
    std::map<std::string, std::string> known = renamed.fileNames;
    for (const auto& item : renamed.weights)
        known.emplace(item.first, item.first); // kept as they are: not renamed, never read backwards
    return [known = std::move(known), rules](const std::string& name) {
        if (const auto it = known.find(name); it != known.end())
            return it->second;
        return otherName(name, rules).value_or(name);
    };
}

std::string shapeString(c10::IntArrayRef sizes)
{
    std::ostringstream os;
    os << sizes;
    return os.str();
}

const torch::Tensor& requireTensor(const TensorMap& weights, const std::string& name, std::int64_t dims,
                                   const std::filesystem::path& file, const std::string& expectedKind)
{
    const auto it = weights.find(name);
    if (it == weights.end())
        throw Error(ErrorKind::ModelFolder, "'" + file.string() + "' has no tensor '" + name + "': not " +
                                                expectedKind + ", or an incomplete one");
    if (it->second.dim() != dims)
        throw Error(ErrorKind::ModelFolder, "'" + file.string() + "': tensor '" + name + "' has shape " +
                                                shapeString(it->second.sizes()) + ", expected " +
                                                std::to_string(dims) + " dimensions");
    return it->second;
}

namespace {

std::string listing(const char* title, const std::vector<std::string>& items)
{
    if (items.empty())
        return {};
    std::string s = "\n  " + std::to_string(items.size()) + " " + title + ": ";
    for (std::size_t i = 0; i < std::min<std::size_t>(items.size(), 5); ++i)
        s += (i ? ", " : "") + items[i];
    if (items.size() > 5)
        s += ", ...";
    return s;
}

} // namespace

void bindStateDict(torch::nn::Module& module, const TensorMap& weights, const fs::path& file,
                   const BindOptions& options)
{
    auto ignored = [&](const std::string& name) {
        return std::any_of(options.ignoredPrefixes.begin(), options.ignoredPrefixes.end(),
                           [&](const std::string& p) { return name.rfind(p, 0) == 0; });
    };

    std::vector<std::pair<std::string, torch::Tensor>> targets;
    for (const auto& item : module.named_parameters(true))
        targets.emplace_back(item.key(), item.value());
    for (const auto& item : module.named_buffers(true))
        targets.emplace_back(item.key(), item.value());

    const auto shown = [&](const std::string& name) {
        return options.nameInFile ? options.nameInFile(name) : name;
    };
    std::vector<std::string> missing, wrongShape, unknown;
    std::set<std::string> expected;
    for (const auto& [name, target] : targets) {
        expected.insert(name);
        const auto it = weights.find(name);
        const auto quantized = options.quantized.find(name);
        const c10::IntArrayRef stored = quantized != options.quantized.end()
                                            ? c10::IntArrayRef(quantized->second)
                                            : (it == weights.end() ? c10::IntArrayRef() : it->second.sizes());
        if (it == weights.end())
            missing.push_back(shown(name));
        else if (stored != target.sizes())
            wrongShape.push_back(shown(name) + " " + shapeString(stored) + " (model expects " +
                                 shapeString(target.sizes()) + ")");
    }
    std::size_t skipped = 0;
    for (const auto& [name, tensor] : weights) {
        if (expected.count(name))
            continue;
        if (ignored(name))
            ++skipped;
        else
            unknown.push_back(shown(name));
    }
    if (!missing.empty() || !wrongShape.empty() || !unknown.empty())
        throw Error(ErrorKind::ModelFolder,
                    file.string() +
                        " does not match the model (is it the right file for this model type and "
                        "size?):" +
                        listing("missing", missing) + listing("with a wrong shape", wrongShape) +
                        listing("unknown", unknown));

    torch::NoGradGuard noGrad;
    for (auto& [name, target] : targets) {
        // Converting (and paging in) a tensor is the slow part of loading a 14B model: stop between tensors.
        if (options.cancel && options.cancel->isCancelled())
            throw Error(ErrorKind::Cancelled, "cancelled while loading " + file.string());
        const torch::Tensor& source = weights.at(name);
        const bool keepStored = options.quantized.count(name) > 0;
        const auto dtype = source.is_floating_point() && !keepStored && !options.keepStoredDtype
                               ? options.dtype
                               : source.scalar_type();
        // .to() returns the same tensor when nothing changes, so mapped weights are not copied.
        target.set_data(source.to(options.device, dtype));
    }
    if (skipped)
        spdlog::debug("{}: {} tensors skipped on purpose", file.string(), skipped);
    spdlog::debug("{}: bound {} tensors", file.string(), targets.size());
}

} // namespace wan::io
