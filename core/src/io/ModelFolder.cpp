#include "wan/ModelFolder.h"

#include "io/FormatDetect.h"
#include "io/MappedFile.h"
#include "io/NameTables.h"
#include "io/PartDims.h"
#include "io/RawIo.h"
#include "wan/Error.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace wan {

namespace {

namespace fs = std::filesystem;
using io::RawTensor;

constexpr const char* kWhereToGet =
    "Download an official Wan2.1 folder (Wan-AI/Wan2.1-T2V-1.3B, Wan-AI/Wan2.1-T2V-14B, "
    "Wan-AI/Wan2.1-I2V-14B-480P, Wan-AI/Wan2.1-I2V-14B-720P, Wan-AI/Wan2.1-FLF2V-14B-720P, "
    "Wan-AI/Wan2.1-VACE-1.3B or Wan-AI/Wan2.1-VACE-14B on Hugging Face or ModelScope).";

using officialFiles::kDit;
using officialFiles::kDitConfig;
using officialFiles::kDitIndex;

[[noreturn]] void folderError(const std::string& what)
{
    throw Error(ErrorKind::ModelFolder, what + " " + kWhereToGet);
}

// Tensor shapes of one checkpoint file, by name, without reading tensor data.
struct ShapeTable
{
    fs::path file;
    std::map<std::string, RawTensor> tensors;

    const RawTensor* find(const std::string& name) const
    {
        const auto it = tensors.find(name);
        return it == tensors.end() ? nullptr : &it->second;
    }
    const std::vector<std::int64_t>& shape(const std::string& name, std::size_t rank) const
    {
        const auto* t = find(name);
        if (!t)
            throw Error(ErrorKind::ModelFolder, file.string() + " has no tensor '" + name +
                                                    "': it is not the file this folder needs. " +
                                                    kWhereToGet);
        if (t->shape.size() != rank)
            throw Error(ErrorKind::ModelFolder,
                        file.string() + ": tensor '" + name + "' has " + std::to_string(t->shape.size()) +
                            " dimensions, expected " + std::to_string(rank) + ". " + kWhereToGet);
        return t->shape;
    }
    // Number of distinct N in "<prefix>N." names; the indices must be 0..N-1.
    int countIndexed(const std::string& prefix) const
    {
        std::set<long> seen;
        for (const auto& [name, t] : tensors) {
            if (name.rfind(prefix, 0) != 0)
                continue;
            const auto dot = name.find('.', prefix.size());
            const std::string index = name.substr(prefix.size(), dot - prefix.size());
            if (!index.empty() && index.find_first_not_of("0123456789") == std::string::npos &&
                index.size() < 9)
                seen.insert(std::stol(index));
        }
        if (!seen.empty() && (*seen.begin() != 0 || *seen.rbegin() != static_cast<long>(seen.size()) - 1))
            throw Error(ErrorKind::ModelFolder, file.string() + ": the '" + prefix +
                                                    "N' layers are not numbered 0.." +
                                                    std::to_string(seen.size() - 1) + ". " + kWhereToGet);
        return static_cast<int>(seen.size());
    }
};

FileInfo describe(const fs::path& file, const std::vector<RawTensor>& tensors)
{
    FileInfo info;
    info.path = file;
    std::error_code ec;
    info.sizeBytes = fs::file_size(file, ec);
    std::map<std::string, std::uint64_t> bytesByDtype;
    for (const auto& t : tensors) {
        info.parameterCount += t.numel();
        bytesByDtype[std::string(io::dtypeName(t.dtype))] += t.numel() * io::dtypeSize(t.dtype);
    }
    std::uint64_t best = 0;
    for (const auto& [dtype, bytes] : bytesByDtype) {
        if (bytes >= best) {
            best = bytes;
            info.dtype = dtype;
        }
    }
    return info;
}

fs::path requireFile(const fs::path& dir, const std::string& name, const std::string& role)
{
    const fs::path file = dir / name;
    if (!fs::exists(file))
        folderError("Missing " + file.string() + " (" + role + ") in the model folder.");
    if (!fs::is_regular_file(file))
        folderError(file.string() + " (" + role + ") is not a regular file.");
    return file;
}

ShapeTable readPthShapes(const fs::path& file, FileInfo& info)
{
    const auto mapped = io::MappedFile::open(file);
    const auto archive = io::parsePthArchive(mapped->data(), mapped->size(), file.string());
    ShapeTable table;
    table.file = file;
    for (const auto& t : archive.tensors)
        table.tensors.emplace(t.name, t);
    info = describe(file, archive.tensors);
    return table;
}

ShapeTable readSafetensorsShapes(const fs::path& file, std::vector<RawTensor>& list)
{
    const auto mapped = io::MappedFile::open(file);
    auto header = io::parseSafetensorsHeader(mapped->data(), mapped->size(), file.string());
    ShapeTable table;
    table.file = file;
    for (const auto& t : header.tensors)
        table.tensors.emplace(t.name, t);
    list = std::move(header.tensors);
    return table;
}

int positiveInt(const nlohmann::json& config, const char* key, const fs::path& file)
{
    const auto it = config.find(key);
    if (it == config.end() || !it->is_number_integer() || it->get<std::int64_t>() <= 0 ||
        it->get<std::int64_t>() > (1 << 24))
        folderError(file.string() + ": \"" + key + "\" must be a positive integer.");
    return static_cast<int>(it->get<std::int64_t>());
}

void expectDim(const ShapeTable& table, const std::string& name, std::size_t axis, std::int64_t expected,
               const std::string& meaning, std::size_t rank)
{
    const auto& shape = table.shape(name, rank);
    if (shape[axis] != expected)
        throw Error(ErrorKind::ModelFolder, table.file.string() + ": tensor '" + name + "' has " +
                                                std::to_string(shape[axis]) + " for " + meaning + ", but " +
                                                std::to_string(expected) +
                                                " is expected (config.json and the weights "
                                                "disagree: the files come from different models). " +
                                                kWhereToGet);
}

int toInt(std::int64_t v)
{
    return static_cast<int>(std::min<std::int64_t>(v, 1 << 30));
}

// config.json of a DiT -> model type and dims, checked against the shapes later by checkDitShapes.
nlohmann::json readDitConfig(const fs::path& configFile, ModelInfo& info)
{
    nlohmann::json config;
    try {
        std::ifstream in(configFile, std::ios::binary);
        config = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
        folderError(configFile.string() + " is not valid JSON (" + e.what() + ").");
    }
    if (!config.is_object())
        folderError(configFile.string() + " is not a JSON object.");
    const auto type = config.value("model_type", std::string());
    if (type == "t2v")
        info.modelType = ModelType::T2V;
    else if (type == "i2v")
        info.modelType = ModelType::I2V;
    else if (type == "flf2v")
        info.modelType = ModelType::FLF2V;
    else if (type == "vace")
        info.modelType = ModelType::VACE;
    else
        folderError(configFile.string() + ": \"model_type\" is '" + type +
                    "'; supported are \"t2v\" (text-to-video, also used for text-to-image), \"i2v\", "
                    "\"flf2v\" and \"vace\".");
    const bool imageModel = info.modelType == ModelType::I2V || info.modelType == ModelType::FLF2V;
    DitDims& d = info.dit;
    d.dim = positiveInt(config, "dim", configFile);
    d.ffnDim = positiveInt(config, "ffn_dim", configFile);
    d.numHeads = positiveInt(config, "num_heads", configFile);
    d.numLayers = positiveInt(config, "num_layers", configFile);
    d.inDim = positiveInt(config, "in_dim", configFile);
    d.outDim = positiveInt(config, "out_dim", configFile);
    d.freqDim = positiveInt(config, "freq_dim", configFile);
    d.textLen = config.contains("text_len") ? positiveInt(config, "text_len", configFile) : 512;
    if (config.contains("eps") && config["eps"].is_number())
        d.eps = config["eps"].get<double>();
    if (d.dim % d.numHeads != 0 || (d.dim / d.numHeads) % 2 != 0)
        folderError(configFile.string() + ": dim " + std::to_string(d.dim) + " is not num_heads " +
                    std::to_string(d.numHeads) + " times an even head size.");
    if (imageModel && d.textLen != 512)
        folderError(configFile.string() + ": an " + modelTypeName(info.modelType) +
                    " model needs text_len 512, not " + std::to_string(d.textLen) + ".");
    return config;
}

// Dims of a single-file DiT without config.json, from the shapes alone, as WanModel reads them: the head
// size 128 of every release, text_len 512, the model type from the tensors present.
void inferDitConfig(const ShapeTable& all, ModelInfo& info)
{
    DitDims& d = info.dit;
    const auto& patch = all.shape("patch_embedding.weight", 5);
    d.dim = toInt(patch[0]);
    d.inDim = toInt(patch[1]);
    d.ffnDim = toInt(all.shape("blocks.0.ffn.0.weight", 2)[0]);
    d.freqDim = toInt(all.shape("time_embedding.0.weight", 2)[1]);
    d.numLayers = all.countIndexed("blocks.");
    const std::int64_t patchVolume = std::max<std::int64_t>(1, patch[2] * patch[3] * patch[4]);
    d.outDim = toInt(all.shape("head.head.weight", 2)[0] / patchVolume);
    d.numHeads = std::max(1, d.dim / 128);
    d.textLen = 512;
    if (all.find("vace_patch_embedding.weight"))
        info.modelType = ModelType::VACE;
    else if (all.find("img_emb.emb_pos"))
        info.modelType = ModelType::FLF2V;
    else if (all.find("img_emb.proj.0.weight"))
        info.modelType = ModelType::I2V;
    else
        info.modelType = ModelType::T2V;
    if (d.dim % d.numHeads != 0 || (d.dim / d.numHeads) % 2 != 0)
        folderError(all.file.string() + ": width " + std::to_string(d.dim) +
                    " does not split into heads of 128; put the model's config.json beside the file.");
}

// The DiT's shapes against its dims; VACE block list from config.json or the official default. Returns the
// input width of the i2v image projection (img_emb.proj.0), 0 for t2v.
int checkDitShapes(const ShapeTable& all, const nlohmann::json* config, const fs::path& configFile,
                   ModelInfo& info);

// Returns the input width of the i2v image projection (img_emb.proj.0), 0 for t2v.
int inspectDit(const fs::path& dir, ModelInfo& info)
{
    const fs::path configFile = dir / kDitConfig;
    if (!fs::is_regular_file(configFile))
        folderError("Missing " + configFile.string() +
                    " (the DiT configuration: model_type, dim, num_layers, ...).");
    const nlohmann::json config = readDitConfig(configFile, info);
    DitDims& d = info.dit;

    // Weights: one file or shards listed by the index.
    std::vector<fs::path> shards;
    const fs::path single = dir / kDit;
    const fs::path index = dir / kDitIndex;
    if (fs::is_regular_file(single)) {
        shards.push_back(single);
    } else if (fs::is_regular_file(index)) {
        std::set<std::string> names;
        for (const auto& [tensor, shard] : io::readDitIndex(index))
            names.insert(shard);
        for (const auto& name : names) {
            if (!fs::is_regular_file(dir / name))
                folderError("Missing DiT shard " + (dir / name).string() + " listed in " + index.string() +
                            ".");
            shards.push_back(dir / name);
        }
    } else {
        folderError("Missing " + single.string() + " (or " + std::string(kDitIndex) +
                    " with its shards): the DiT weights.");
    }

    ShapeTable all;
    all.file = shards.size() == 1 ? shards.front() : index;
    std::map<std::string, std::set<std::string>> namesByShard;
    for (const auto& shard : shards) {
        std::vector<RawTensor> list;
        auto table = readSafetensorsShapes(shard, list);
        d.files.push_back(describe(shard, list));
        d.files.back().format = "official";
        for (const auto& t : list)
            namesByShard[shard.filename().string()].insert(t.name);
        all.tensors.merge(table.tensors);
    }
    if (shards.size() > 1 || !fs::is_regular_file(single)) {
        // Every tensor of the index must be in the shard it names.
        for (const auto& [tensor, shard] : io::readDitIndex(index)) {
            if (!namesByShard[shard].count(tensor))
                throw Error(ErrorKind::CorruptFile, index.string() + " maps '" + tensor + "' to " + shard +
                                                        ", which has no such tensor");
        }
    }

    return checkDitShapes(all, &config, configFile, info);
}

int checkDitShapes(const ShapeTable& all, const nlohmann::json* configJson, const fs::path& configFile,
                   ModelInfo& info)
{
    DitDims& d = info.dit;
    static const nlohmann::json kNoConfig = nlohmann::json::object();
    const nlohmann::json& config = configJson ? *configJson : kNoConfig;
    const auto& patch = all.shape("patch_embedding.weight", 5);
    d.patchSize = {toInt(patch[2]), toInt(patch[3]), toInt(patch[4])};
    expectDim(all, "patch_embedding.weight", 0, d.dim, "dim", 5);
    expectDim(all, "patch_embedding.weight", 1, d.inDim, "in_dim", 5);
    expectDim(all, "text_embedding.0.weight", 0, d.dim, "dim", 2);
    d.textDim = toInt(all.shape("text_embedding.0.weight", 2)[1]);
    expectDim(all, "time_embedding.0.weight", 1, d.freqDim, "freq_dim", 2);
    expectDim(all, "blocks.0.ffn.0.weight", 0, d.ffnDim, "ffn_dim", 2);
    const std::int64_t patchVolume = patch[2] * patch[3] * patch[4];
    expectDim(all, "head.head.weight", 0, d.outDim * patchVolume, "out_dim * patch volume", 2);
    const int layers = all.countIndexed("blocks.");
    if (layers != d.numLayers)
        throw Error(
            ErrorKind::ModelFolder,
            all.file.string() + " has " + std::to_string(layers) + " blocks" +
                (layers < d.numLayers ? " (no tensors blocks." + std::to_string(layers) + ".*)" : "") +
                " but config.json says num_layers " + std::to_string(d.numLayers) + ". " + kWhereToGet);
    if (info.modelType == ModelType::VACE) {
        if (!all.find("vace_patch_embedding.weight"))
            folderError(all.file.string() + " has no vace_patch_embedding: these are not VACE weights, but "
                                            "config.json says vace.");
        const auto& vacePatch = all.shape("vace_patch_embedding.weight", 5);
        d.vaceInDim = config.contains("vace_in_dim") ? positiveInt(config, "vace_in_dim", configFile)
                                                     : toInt(vacePatch[1]);
        expectDim(all, "vace_patch_embedding.weight", 1, d.vaceInDim, "vace_in_dim", 5);
        expectDim(all, "vace_patch_embedding.weight", 0, d.dim, "dim", 5);
        const int vaceBlocks = all.countIndexed("vace_blocks.");
        if (config.contains("vace_layers")) {
            const auto& layers = config["vace_layers"];
            if (!layers.is_array())
                folderError(configFile.string() + ": \"vace_layers\" must be a list of block numbers.");
            for (const auto& layer : layers) {
                if (!layer.is_number_integer())
                    folderError(configFile.string() + ": \"vace_layers\" must be a list of block numbers.");
                d.vaceLayers.push_back(layer.get<int>());
            }
        } else {
            for (int i = 0; i < d.numLayers; i += 2)
                d.vaceLayers.push_back(i);
        }
        std::set<int> distinct(d.vaceLayers.begin(), d.vaceLayers.end());
        if (d.vaceLayers.empty() || !distinct.count(0) || distinct.size() != d.vaceLayers.size() ||
            *distinct.begin() < 0 || *distinct.rbegin() >= d.numLayers)
            folderError(configFile.string() +
                        ": \"vace_layers\" must list distinct blocks below num_layers " +
                        std::to_string(d.numLayers) + ", including 0.");
        if (vaceBlocks != static_cast<int>(d.vaceLayers.size()))
            throw Error(ErrorKind::ModelFolder, all.file.string() + " has " + std::to_string(vaceBlocks) +
                                                    " vace_blocks but vace_layers lists " +
                                                    std::to_string(d.vaceLayers.size()) + ". " + kWhereToGet);
        return 0;
    }
    if (all.find("vace_patch_embedding.weight"))
        folderError(all.file.string() + " holds VACE weights (vace_patch_embedding), but config.json says " +
                    modelTypeName(info.modelType) + ".");
    if (info.modelType == ModelType::T2V)
        return 0;
    if (!all.find("img_emb.proj.0.weight"))
        folderError(all.file.string() +
                    " has no image embedding (img_emb.*): these are text-to-video weights, "
                    "but config.json says " +
                    modelTypeName(info.modelType) + ".");
    const int imageWidth = toInt(all.shape("img_emb.proj.0.weight", 1)[0]);
    d.imageDim = imageWidth;
    if (info.modelType == ModelType::FLF2V) {
        if (!all.find("img_emb.emb_pos"))
            folderError(all.file.string() + " has no img_emb.emb_pos: these are image-to-video weights, but "
                                            "config.json says flf2v.");
        expectDim(all, "img_emb.emb_pos", 2, imageWidth, "the CLIP width", 3);
        d.imageTokens = toInt(all.shape("img_emb.emb_pos", 3)[1] / 2);
        if (d.imageTokens < 1)
            folderError(all.file.string() + ": img_emb.emb_pos holds no image tokens.");
    } else if (all.find("img_emb.emb_pos")) {
        folderError(all.file.string() + " has img_emb.emb_pos (first-last-frame weights), but config.json "
                                        "says i2v.");
    }
    return imageWidth;
}

// The dims of a DiT given as one file (or as shapes): from `config` when it is the DiT's configuration (the
// official config.json, or diffusers' with the head count), else from the shapes alone; checked against the
// shapes, whose errors name `errorsFile`. Returns the image projection width (0 for t2v / vace).
int readDitDims(const ShapeTable& table, const fs::path& config, const fs::path& errorsFile, ModelInfo& info)
{
    std::error_code ec;
    nlohmann::json json;
    bool useConfig = false, diffusersConfig = false;
    if (!config.empty() && fs::is_regular_file(config, ec)) {
        try {
            std::ifstream in(config, std::ios::binary);
            json = nlohmann::json::parse(in);
            useConfig = json.is_object() && json.contains("dim") && json.contains("model_type");
            diffusersConfig = json.is_object() && json.contains("num_attention_heads");
        } catch (const std::exception&) {
            useConfig = false; // not the DiT's configuration (an unrelated file)
        }
    }
    nlohmann::json vace; // diffusers' VACE block list in the official config's terms
    if (useConfig) {
        info.ditConfig = config;
        json = readDitConfig(config, info);
    } else {
        inferDitConfig(table, info);
        if (diffusersConfig) {
            // diffusers' config.json (WanTransformer3DModel): the head count, which the shapes do
            // not hold (the rest is read from the shapes and checked below).
            info.ditConfig = config;
            info.dit.numHeads = positiveInt(json, "num_attention_heads", config);
            if (json.contains("eps") && json["eps"].is_number())
                info.dit.eps = json["eps"].get<double>();
            if (info.dit.dim % info.dit.numHeads != 0 || (info.dit.dim / info.dit.numHeads) % 2 != 0)
                folderError(config.string() + ": num_attention_heads " + std::to_string(info.dit.numHeads) +
                            " does not split the width " + std::to_string(info.dit.dim) +
                            " into heads of an even size.");
            if (json.contains("vace_layers"))
                vace["vace_layers"] = json["vace_layers"];
        }
    }
    const nlohmann::json* shapesConfig = useConfig ? &json : nullptr;
    if (!vace.is_null())
        shapesConfig = &vace;
    return checkDitShapes(table, shapesConfig, useConfig || diffusersConfig ? config : errorsFile, info);
}

// The umT5 encoder's dims from official names; `withDit`: also check its width against the DiT's.
void checkT5(const ShapeTable& table, const FileInfo& fileInfo, ModelInfo& info, bool withDit)
{
    const fs::path& file = table.file;
    T5Dims& t = info.t5;
    t.file = fileInfo;
    const auto& emb = table.shape("token_embedding.weight", 2);
    t.vocab = toInt(emb[0]);
    t.dim = toInt(emb[1]);
    t.numLayers = table.countIndexed("blocks.");
    if (t.numLayers == 0)
        folderError(file.string() + " has no encoder blocks: not a umT5 encoder state dict.");
    t.sharedPos = !table.find("blocks.0.pos_embedding.embedding.weight");
    const std::string pos =
        t.sharedPos ? "pos_embedding.embedding.weight" : "blocks.0.pos_embedding.embedding.weight";
    const auto& rel = table.shape(pos, 2);
    t.numBuckets = toInt(rel[0]);
    t.numHeads = toInt(rel[1]);
    const auto& q = table.shape("blocks.0.attn.q.weight", 2);
    t.dimAttn = toInt(q[0]);
    expectDim(table, "blocks.0.attn.q.weight", 1, t.dim, "dim", 2);
    t.ffnDim = toInt(table.shape("blocks.0.ffn.fc1.weight", 2)[0]);
    if (t.numHeads <= 0 || t.dimAttn % t.numHeads != 0)
        folderError(file.string() + ": attention width " + std::to_string(t.dimAttn) +
                    " is not a multiple of " + std::to_string(t.numHeads) + " heads.");
    if (withDit && t.dim != info.dit.textDim)
        folderError(file.string() + ": the text encoder width " + std::to_string(t.dim) +
                    " differs from the DiT's text_dim " + std::to_string(info.dit.textDim) +
                    " (text_embedding.0.weight): the files come from different models.");
}

// The VAE's dims from official names; `withDit`: also check its channels against the DiT's.
void checkVae(const ShapeTable& table, const FileInfo& fileInfo, ModelInfo& info, bool withDit)
{
    const fs::path& file = table.file;
    VaeDims& v = info.vae;
    v.file = fileInfo;
    v.dim = toInt(table.shape("encoder.conv1.weight", 5)[0]);
    v.zDim = toInt(table.shape("conv2.weight", 5)[0]);
    expectDim(table, "conv1.weight", 0, 2 * v.zDim, "2 * z_dim", 5);
    expectDim(table, "decoder.conv1.weight", 1, v.zDim, "z_dim", 5);
    if (!withDit)
        return;
    if (info.dit.outDim != v.zDim)
        folderError(file.string() + ": the VAE latent has " + std::to_string(v.zDim) +
                    " channels but the DiT's out_dim is " + std::to_string(info.dit.outDim) + ".");
    const bool imageModel = info.modelType == ModelType::I2V || info.modelType == ModelType::FLF2V;
    if (imageModel && info.dit.inDim != 2 * v.zDim + 4)
        folderError("config.json: an " + modelTypeName(info.modelType) +
                    " DiT needs in_dim = 2 * z_dim + 4 = " + std::to_string(2 * v.zDim + 4) + ", not " +
                    std::to_string(info.dit.inDim) + ".");
    if (!imageModel && info.dit.inDim != v.zDim)
        folderError("config.json: a " + modelTypeName(info.modelType) + " DiT needs in_dim = z_dim = " +
                    std::to_string(v.zDim) + ", not " + std::to_string(info.dit.inDim) + ".");
    // The VACE context: inactive + reactive latents and the 8x8 pixel offsets of the mask as channels.
    if (info.modelType == ModelType::VACE && info.dit.vaceInDim != 2 * v.zDim + 64)
        folderError("config.json: a vace DiT needs vace_in_dim = 2 * z_dim + 64 = " +
                    std::to_string(2 * v.zDim + 64) + ", not " + std::to_string(info.dit.vaceInDim) + ".");
}

// The CLIP image encoder's dims from official names; `ditImageWidth` > 0: checked against the DiT's.
void checkClip(const ShapeTable& table, const FileInfo& fileInfo, ModelInfo& info, int ditImageWidth,
               int firstLastTokens)
{
    const fs::path& file = table.file;
    ClipDims c;
    c.file = fileInfo;
    const auto& patch = table.shape("visual.patch_embedding.weight", 4);
    c.width = toInt(patch[0]);
    c.patchSize = toInt(patch[2]);
    const auto& pos = table.shape("visual.pos_embedding", 3);
    const auto tokens = pos[1] - 1;
    const auto side = static_cast<std::int64_t>(
        std::llround(std::sqrt(static_cast<double>(std::max<std::int64_t>(tokens, 0)))));
    if (tokens <= 0 || side * side != tokens)
        folderError(file.string() + ": visual.pos_embedding has " + std::to_string(pos[1]) +
                    " positions, not 1 + a square number of patches.");
    c.imageSize = toInt(side * c.patchSize);
    c.layers = table.countIndexed("visual.transformer.");
    c.mlpDim = toInt(table.shape("visual.transformer.0.mlp.0.weight", 2)[0]);
    c.outDim = toInt(table.shape("visual.head", 2)[1]);
    c.heads = 16; // ViT-H/14: not recoverable from shapes
    if (c.width % c.heads != 0)
        folderError(file.string() + ": vision width " + std::to_string(c.width) +
                    " is not a multiple of 16 heads.");
    if (ditImageWidth > 0 && c.width != ditImageWidth)
        folderError(file.string() + ": the image encoder width " + std::to_string(c.width) +
                    " differs from the DiT's image projection input " + std::to_string(ditImageWidth) +
                    " (img_emb.proj.0.weight): the files come from different models.");
    if (firstLastTokens > 0 && firstLastTokens != 2 * pos[1])
        folderError(file.string() + ": the image encoder gives " + std::to_string(pos[1]) +
                    " tokens per image, but the DiT's img_emb.emb_pos holds " +
                    std::to_string(firstLastTokens) +
                    " for two images: the files come from different models.");
    info.clip = c;
}

struct SetProblem
{
    ErrorKind kind;
    std::string message;
};

bool isDiffusersFolder(const fs::path& dir);
ModelInfo inspectSet(const fs::path& dir, const ModelFiles& files, std::vector<SetProblem>& problems);

ModelInfo inspectFolder(const fs::path& dir)
{
    if (!fs::exists(dir))
        folderError("Model folder " + dir.string() + " does not exist.");
    if (!fs::is_directory(dir))
        folderError(dir.string() + " is not a folder: pass the model folder (--ckpt_dir), not a file.");
    if (isDiffusersFolder(dir)) {
        std::vector<SetProblem> problems;
        ModelInfo info = inspectSet(dir, {}, problems);
        if (!problems.empty())
            throw Error(problems.front().kind, problems.front().message);
        return info;
    }
    ModelInfo info;
    info.dir = dir;
    const int ditImageWidth = inspectDit(dir, info);
    {
        FileInfo fileInfo;
        const auto table =
            readPthShapes(requireFile(dir, officialFiles::kT5, "the umT5-XXL text encoder"), fileInfo);
        fileInfo.format = "official";
        checkT5(table, fileInfo, info, true);
    }
    {
        FileInfo fileInfo;
        const auto table = readPthShapes(requireFile(dir, officialFiles::kVae, "the Wan2.1 VAE"), fileInfo);
        fileInfo.format = "official";
        checkVae(table, fileInfo, info, true);
    }
    if (info.modelType == ModelType::I2V || info.modelType == ModelType::FLF2V) {
        int firstLastTokens = 0;
        if (info.modelType == ModelType::FLF2V) {
            // Only the header is read; the shape says how many CLIP tokens the DiT expects.
            std::vector<RawTensor> list;
            for (const auto& f : info.dit.files) {
                const auto table = readSafetensorsShapes(f.path, list);
                if (const auto* t = table.find("img_emb.emb_pos"))
                    firstLastTokens = toInt(t->shape.at(1));
            }
        }
        FileInfo fileInfo;
        const auto table = readPthShapes(requireFile(dir, officialFiles::kClip,
                                                     "the open-clip XLM-RoBERTa ViT-H/14 image encoder for " +
                                                         modelTypeName(info.modelType)),
                                         fileInfo);
        fileInfo.format = "official";
        checkClip(table, fileInfo, info, ditImageWidth, firstLastTokens);
    }
    info.tokenizerModel = requireFile(dir, officialFiles::kTokenizer, "the umT5 SentencePiece tokenizer");
    spdlog::debug("{}: {} model, dim {}, {} layers", dir.string(), modelTypeName(info.modelType),
                  info.dit.dim, info.dit.numLayers);
    return info;
}

// ---- model sets: a folder and/or single files
// ---------------------------------------------------------------

// One part given as its own file: what detection says it is, and its shapes under official names where the
// file uses them (a ComfyUI prefix stripped; GGUF's 4-D patch kernels given back their size-1 time axis).
struct PartFile
{
    ShapeTable table;
    io::FileDetection detection;
    FileInfo info;
};

// The weight files `path` stands for: itself, the shards of a `*.safetensors.index.json`, or the weights of a
// diffusers component folder (transformer/, vae/: diffusion_pytorch_model*; text_encoder/, image_encoder/:
// model*), single or sharded. Throws naming `path` when a folder holds none.
std::vector<fs::path> weightFilesOf(const fs::path& path, const std::string& what)
{
    std::error_code ec;
    auto shardsOf = [&](const fs::path& index) {
        std::set<std::string> names;
        for (const auto& [tensor, shard] : io::readDitIndex(index))
            names.insert(shard);
        std::vector<fs::path> files;
        for (const auto& name : names) {
            if (!fs::is_regular_file(index.parent_path() / name, ec))
                throw Error(ErrorKind::ModelFolder, "Missing shard " + (index.parent_path() / name).string() +
                                                        " listed in " + index.string() + ".");
            files.push_back(index.parent_path() / name);
        }
        return files;
    };
    if (fs::is_directory(path, ec)) {
        for (const char* stem : {"diffusion_pytorch_model", "model"}) {
            const fs::path single = path / (std::string(stem) + ".safetensors");
            const fs::path index = path / (std::string(stem) + ".safetensors.index.json");
            if (fs::is_regular_file(single, ec))
                return {single};
            if (fs::is_regular_file(index, ec))
                return shardsOf(index);
        }
        throw Error(ErrorKind::ModelFolder,
                    path.string() + " is a folder without weights for " + what +
                        ": choose the file itself, or a diffusers component folder holding "
                        "diffusion_pytorch_model.safetensors or model.safetensors (or their "
                        ".safetensors.index.json with its shards).");
    }
    if (path.filename().string().ends_with(".safetensors.index.json"))
        return shardsOf(path);
    return {path};
}

PartFile readPart(const fs::path& file, io::FileRole role, const std::string& what)
{
    std::error_code ec;
    if (!fs::exists(file, ec))
        throw Error(ErrorKind::ModelFolder, file.string() + " does not exist (" + what + ").");
    PartFile part;
    io::FileContainer container = io::FileContainer::Safetensors;
    std::string architecture;
    std::vector<io::TensorDescription> tensors;
    std::uint64_t bytes = 0;
    for (const auto& weights : weightFilesOf(file, what)) {
        auto more = io::readTensorDescriptions(weights, container, architecture);
        tensors.insert(tensors.end(), std::make_move_iterator(more.begin()),
                       std::make_move_iterator(more.end()));
        bytes += fs::file_size(weights, ec);
    }
    part.detection = io::detectTensors(tensors, container, architecture, file);
    const auto& d = part.detection;
    if (!d.isWan)
        throw Error(ErrorKind::ModelFolder, d.message + " Choose a Wan 2.1 file for " + what + ".");
    if (d.role != role)
        throw Error(ErrorKind::ModelFolder, file.string() + " holds " + io::fileRoleName(d.role) +
                                                " weights (" + io::namingSourceName(d.naming) +
                                                " names), not " + what + ".");
    part.table.file = file;
    part.info.path = file;
    part.info.sizeBytes = bytes;
    part.info.dtype = d.storage;
    part.info.format =
        std::string(io::namingSourceName(d.naming)) + (container == io::FileContainer::Gguf ? " GGUF" : "");
    for (const auto& t : tensors) {
        std::string name = t.name;
        for (const char* prefix : {"model.diffusion_model.", "diffusion_model."})
            if (role == io::FileRole::Dit && name.rfind(prefix, 0) == 0)
                name = name.substr(std::string(prefix).size());
        RawTensor raw;
        raw.name = name;
        raw.shape = t.shape;
        if (container == io::FileContainer::Gguf && raw.shape.size() == 4 &&
            (name == "patch_embedding.weight" || name == "vace_patch_embedding.weight"))
            raw.shape.insert(raw.shape.begin() + 2, 1);
        part.info.parameterCount += raw.numel();
        part.table.tensors.insert_or_assign(name, std::move(raw));
    }
    return part;
}

// The table under official names: each name mapped by `rules` (names no rule knows are left out; the loader
// lists them).
ShapeTable officialNames(const ShapeTable& table, std::span<const io::NameRule> rules)
{
    ShapeTable out;
    out.file = table.file;
    for (const auto& [name, tensor] : table.tensors)
        if (auto official = io::officialName(name, rules)) {
            RawTensor renamed = tensor;
            renamed.name = *official;
            out.tensors.insert_or_assign(*official, std::move(renamed));
        }
    return out;
}

// CLIP vision dims from Hugging Face names (ComfyUI's clip_vision_h, diffusers' image_encoder).
void checkHfClip(const ShapeTable& table, const FileInfo& fileInfo, ModelInfo& info, int ditImageWidth)
{
    ClipDims c;
    c.file = fileInfo;
    const auto& patch = table.shape("vision_model.embeddings.patch_embedding.weight", 4);
    c.width = toInt(patch[0]);
    c.patchSize = toInt(patch[2]);
    const auto tokens = table.shape("vision_model.embeddings.position_embedding.weight", 2)[0] - 1;
    const auto side = static_cast<std::int64_t>(
        std::llround(std::sqrt(static_cast<double>(std::max<std::int64_t>(tokens, 0)))));
    c.imageSize = toInt(side * c.patchSize);
    c.layers = table.countIndexed("vision_model.encoder.layers.");
    c.mlpDim = toInt(table.shape("vision_model.encoder.layers.0.mlp.fc1.weight", 2)[0]);
    c.outDim = table.find("visual_projection.weight") ? toInt(table.shape("visual_projection.weight", 2)[0])
                                                      : c.width;
    c.heads = 16;
    if (ditImageWidth > 0 && c.width != ditImageWidth)
        folderError(table.file.string() + ": the image encoder width " + std::to_string(c.width) +
                    " differs from the DiT's image projection input " + std::to_string(ditImageWidth) +
                    ": the files come from different models.");
    info.clip = c;
}

// The tokenizer of a set: given (the file, or a folder holding it), the folder's, or beside the text
// encoder file (as an official folder, a loose spiece.model, or diffusers' tokenizer/ folder).
fs::path findTokenizer(const fs::path& dir, const ModelFiles& files)
{
    std::error_code ec;
    auto inFolder = [&](const fs::path& folder) -> fs::path {
        for (const char* name : {officialFiles::kTokenizer, "spiece.model", "tokenizer/spiece.model"})
            if (fs::is_regular_file(folder / name, ec))
                return folder / name;
        return {};
    };
    if (!files.tokenizer.empty()) {
        if (fs::is_regular_file(files.tokenizer, ec))
            return files.tokenizer;
        if (fs::is_directory(files.tokenizer, ec))
            if (auto found = inFolder(files.tokenizer); !found.empty())
                return found;
        throw Error(ErrorKind::ModelFolder,
                    files.tokenizer.string() +
                        " is not the umT5 tokenizer: choose its spiece.model (google/umt5-xxl/spiece.model "
                        "of an official Wan2.1 folder, or spiece.model of google/umt5-xxl on Hugging Face).");
    }
    if (!dir.empty())
        return requireFile(dir, officialFiles::kTokenizer, "the umT5 SentencePiece tokenizer");
    const fs::path besideT5 = files.t5.parent_path();
    for (const auto& folder : {besideT5, besideT5.parent_path()})
        if (auto found = inFolder(folder); !found.empty())
            return found;
    throw Error(
        ErrorKind::ModelFolder,
        "No umT5 tokenizer for " + files.t5.string() +
            ": single-file text encoders carry none. Put spiece.model (google/umt5-xxl/spiece.model "
            "of an official Wan2.1 folder, or spiece.model of google/umt5-xxl on Hugging Face) beside "
            "it, or choose it.");
}

// A diffusers pipeline folder (Wan-AI/Wan2.1-*-Diffusers): model_index.json beside its component folders.
bool isDiffusersFolder(const fs::path& dir)
{
    std::error_code ec;
    return !dir.empty() && fs::is_regular_file(dir / "model_index.json", ec);
}

// `files` completed by the component folders of the diffusers folder `dir` (the parts given win).
ModelFiles withDiffusersParts(const fs::path& dir, ModelFiles files)
{
    std::error_code ec;
    const auto fill = [&](fs::path& part, const char* folder) {
        if (part.empty() && fs::exists(dir / folder, ec))
            part = dir / folder;
    };
    fill(files.dit, "transformer");
    fill(files.t5, "text_encoder");
    fill(files.vae, "vae");
    fill(files.clip, "image_encoder");
    fill(files.tokenizer, "tokenizer");
    return files;
}

// Every part of the set in turn; a part's problem is recorded and the next part still inspected, so that a
// library can list them all. Parts that depend on the DiT's dims are cross-checked only when it was read.
ModelInfo inspectSet(const fs::path& dir, const ModelFiles& files, std::vector<SetProblem>& problems)
{
    if (isDiffusersFolder(dir)) {
        // Its parts are files in their own folders, read as such.
        ModelInfo info = inspectSet({}, withDiffusersParts(dir, files), problems);
        info.dir = dir;
        return info;
    }
    ModelInfo info;
    info.dir = dir;
    auto attempt = [&](auto&& fn) {
        try {
            fn();
            return true;
        } catch (const Error& e) {
            problems.push_back({e.kind(), e.what()});
            return false;
        }
    };
    std::error_code ec;
    if (!dir.empty() && !attempt([&] {
            if (!fs::exists(dir, ec))
                folderError("Model folder " + dir.string() + " does not exist.");
            if (!fs::is_directory(dir, ec))
                folderError(dir.string() + " is not a folder: choose the model folder, not a file.");
        }))
        return info;
    const bool folder = !dir.empty();
    auto missing = [&](const std::string& what) {
        problems.push_back(
            {ErrorKind::ModelFolder,
             "No " + what + ": choose its file, or a Wan2.1 model folder that holds it. " + kWhereToGet});
    };

    int ditImageWidth = 0, firstLastTokens = 0;
    bool haveDit = false;
    if (!files.dit.empty()) {
        haveDit = attempt([&] {
            const auto part = readPart(files.dit, io::FileRole::Dit, "the DiT");
            const bool diffusers = part.detection.naming == io::NamingSource::Diffusers;
            const ShapeTable table =
                diffusers ? officialNames(part.table, io::diffusersDitNames()) : part.table;
            const fs::path config =
                (fs::is_directory(files.dit, ec) ? files.dit : files.dit.parent_path()) / kDitConfig;
            info.ditFile = files.dit;
            info.dit.files = {part.info};
            ditImageWidth = readDitDims(table, config, files.dit, info);
            if (const auto* pos = table.find("img_emb.emb_pos"); pos && pos->shape.size() == 3)
                firstLastTokens = toInt(pos->shape[1]);
        });
    } else if (folder) {
        haveDit = attempt([&] {
            ditImageWidth = inspectDit(dir, info);
            std::vector<RawTensor> list;
            if (info.modelType == ModelType::FLF2V)
                for (const auto& f : info.dit.files)
                    if (const auto* t = readSafetensorsShapes(f.path, list).find("img_emb.emb_pos"))
                        firstLastTokens = toInt(t->shape.at(1));
        });
    } else {
        missing("DiT (diffusion model)");
    }

    if (!files.t5.empty()) {
        attempt([&] {
            const auto part = readPart(files.t5, io::FileRole::TextEncoder, "the umT5 text encoder");
            if (part.detection.naming == io::NamingSource::HfT5)
                checkT5(officialNames(part.table, io::hfT5Names()), part.info, info, haveDit);
            else if (part.detection.naming == io::NamingSource::LlamaCppT5)
                checkT5(officialNames(part.table, io::llamaCppT5Names()), part.info, info, haveDit);
            else if (part.detection.naming == io::NamingSource::Official)
                checkT5(part.table, part.info, info, haveDit);
            else
                throw Error(
                    ErrorKind::ModelFolder,
                    files.t5.string() + " names its tensors as " +
                        io::namingSourceName(part.detection.naming) +
                        "; umT5 files with the official, Hugging Face or llama.cpp (GGUF) names can be "
                        "read.");
        });
    } else if (folder) {
        attempt([&] {
            FileInfo fileInfo;
            const auto table =
                readPthShapes(requireFile(dir, officialFiles::kT5, "the umT5-XXL text encoder"), fileInfo);
            fileInfo.format = "official";
            checkT5(table, fileInfo, info, haveDit);
        });
    } else {
        missing("umT5 text encoder");
    }

    if (!files.vae.empty()) {
        attempt([&] {
            const auto part = readPart(files.vae, io::FileRole::Vae, "the VAE");
            if (part.detection.naming == io::NamingSource::Diffusers)
                checkVae(officialNames(part.table, io::diffusersVaeNames()), part.info, info, haveDit);
            else if (part.detection.naming == io::NamingSource::Official)
                checkVae(part.table, part.info, info, haveDit);
            else
                throw Error(ErrorKind::ModelFolder,
                            files.vae.string() + " names its tensors as " +
                                io::namingSourceName(part.detection.naming) +
                                "; VAE files with the official names (Wan2.1_VAE.pth, ComfyUI's "
                                "wan_2.1_vae.safetensors) or diffusers' names can be read.");
        });
    } else if (folder) {
        attempt([&] {
            FileInfo fileInfo;
            const auto table =
                readPthShapes(requireFile(dir, officialFiles::kVae, "the Wan2.1 VAE"), fileInfo);
            fileInfo.format = "official";
            checkVae(table, fileInfo, info, haveDit);
        });
    } else {
        missing("VAE");
    }

    const bool imageModel = info.modelType == ModelType::I2V || info.modelType == ModelType::FLF2V;
    if (haveDit && imageModel) {
        const std::string what =
            "the CLIP image encoder (open-clip XLM-RoBERTa ViT-H/14) for " + modelTypeName(info.modelType);
        if (!files.clip.empty()) {
            attempt([&] {
                const auto part = readPart(files.clip, io::FileRole::ClipVision, what);
                if (part.detection.naming == io::NamingSource::HfClip)
                    checkHfClip(part.table, part.info, info, ditImageWidth);
                else
                    checkClip(part.table, part.info, info, ditImageWidth, firstLastTokens);
            });
        } else if (folder) {
            attempt([&] {
                FileInfo fileInfo;
                const auto table = readPthShapes(requireFile(dir, officialFiles::kClip, what), fileInfo);
                fileInfo.format = "official";
                checkClip(table, fileInfo, info, ditImageWidth, firstLastTokens);
            });
        } else {
            missing("CLIP image encoder (needed by " + modelTypeName(info.modelType) + " models)");
        }
    }

    if (folder || !files.t5.empty() || !files.tokenizer.empty())
        attempt([&] { info.tokenizerModel = findTokenizer(dir, files); });
    return info;
}

nlohmann::json fileJson(const FileInfo& f)
{
    return {{"path", f.path.string()},
            {"size_bytes", f.sizeBytes},
            {"dtype", f.dtype},
            {"parameters", f.parameterCount},
            {"format", f.format}};
}

} // namespace

std::string modelTypeName(ModelType type)
{
    switch (type) {
    case ModelType::T2V:
        return "t2v";
    case ModelType::I2V:
        return "i2v";
    case ModelType::FLF2V:
        return "flf2v";
    case ModelType::VACE:
        return "vace";
    }
    return "unknown";
}

std::vector<std::string> folderTasks(const ModelInfo& info)
{
    // The official 1.3B DiT is 1536 wide, the 14B ones 5120.
    const bool small = info.dit.dim > 0 && info.dit.dim <= 2048;
    switch (info.modelType) {
    case ModelType::T2V:
        return {small ? "t2v-1.3B" : "t2v-14B", "t2i-14B"};
    case ModelType::I2V:
        return {"i2v-14B"};
    case ModelType::FLF2V:
        return {"flf2v-14B"};
    case ModelType::VACE:
        return {small ? "vace-1.3B" : "vace-14B"};
    }
    return {};
}

std::vector<std::string> missingOfficialFiles(const fs::path& dir)
{
    std::vector<std::string> missing;
    std::error_code ec;
    const auto need = [&](const char* name) {
        if (!fs::is_regular_file(dir / name, ec))
            missing.emplace_back(name);
    };
    need(kDitConfig);
    if (!fs::is_regular_file(dir / kDitIndex, ec))
        need(kDit);
    need(officialFiles::kT5);
    need(officialFiles::kVae);
    need(officialFiles::kTokenizer);
    std::string type;
    try {
        std::ifstream in(dir / kDitConfig, std::ios::binary);
        if (in) {
            const auto config = nlohmann::json::parse(in);
            if (config.is_object())
                type = config.value("model_type", std::string());
        }
    } catch (const std::exception&) {
        // An unreadable config.json is inspectModelFolder's to report; it names no CLIP file here.
    }
    if (type == "i2v" || type == "flf2v")
        need(officialFiles::kClip);
    return missing;
}

ModelInfo inspectModelFolder(const fs::path& dir)
{
    try {
        return inspectFolder(dir);
    } catch (const fs::filesystem_error& e) {
        throw Error(ErrorKind::Io, "cannot read the model folder " + dir.string() + ": " + e.what());
    }
}

ModelInfo inspectModelSet(const fs::path& dir, const ModelFiles& files)
{
    if (files.empty())
        return inspectModelFolder(dir);
    std::vector<SetProblem> problems;
    ModelInfo info;
    try {
        info = inspectSet(dir, files, problems);
    } catch (const fs::filesystem_error& e) {
        throw Error(ErrorKind::Io, std::string("cannot read the model files: ") + e.what());
    }
    if (!problems.empty())
        throw Error(problems.front().kind, problems.front().message);
    return info;
}

std::vector<std::string> modelSetProblems(const fs::path& dir, const ModelFiles& files)
{
    std::vector<SetProblem> problems;
    if (dir.empty() && files.empty())
        return {"No model chosen: choose a Wan2.1 model folder, or the DiT, umT5, VAE (and for image models "
                "CLIP) files."};
    try {
        inspectSet(dir, files, problems);
    } catch (const Error& e) {
        problems.push_back({e.kind(), e.what()});
    } catch (const fs::filesystem_error& e) {
        problems.push_back({ErrorKind::Io, std::string("cannot read the model files: ") + e.what()});
    }
    std::vector<std::string> out;
    for (const auto& p : problems)
        out.push_back(p.message);
    return out;
}

namespace {

// A SentencePiece model: a protobuf ModelProto whose first field (repeated pieces, tag 0x0a) starts with the
// special pieces; umT5's begins with <pad>, </s>, <unk>.
bool looksLikeSentencePiece(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::string head(64 * 1024, '\0');
    in.read(head.data(), std::streamsize(head.size()));
    head.resize(std::size_t(std::max<std::streamsize>(0, in.gcount())));
    return head.size() > 16 && head[0] == '\x0a' && head.find("<unk>") != std::string::npos &&
           head.find("</s>") != std::string::npos;
}

ModelFileRole roleOf(io::FileRole role)
{
    switch (role) {
    case io::FileRole::Dit:
        return ModelFileRole::Dit;
    case io::FileRole::TextEncoder:
        return ModelFileRole::T5;
    case io::FileRole::Vae:
        return ModelFileRole::Vae;
    case io::FileRole::ClipVision:
        return ModelFileRole::Clip;
    case io::FileRole::Lora:
        return ModelFileRole::Lora;
    case io::FileRole::Unknown:
        break;
    }
    return ModelFileRole::Unknown;
}

const char* containerName(io::FileContainer container)
{
    switch (container) {
    case io::FileContainer::Safetensors:
        return "safetensors";
    case io::FileContainer::Pth:
        return "pth";
    case io::FileContainer::Gguf:
        return "gguf";
    }
    return "";
}

ModelFileIdentity identify(const fs::path& path)
{
    ModelFileIdentity id;
    id.path = path;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        id.reason = path.string() + " does not exist.";
        return id;
    }
    fs::path tokenizer = path;
    if (fs::is_directory(path, ec) && fs::is_regular_file(path / "spiece.model", ec))
        tokenizer = path / "spiece.model"; // a diffusers tokenizer/ folder
    if (fs::is_regular_file(tokenizer, ec) && looksLikeSentencePiece(tokenizer)) {
        id.path = tokenizer;
        id.role = ModelFileRole::Tokenizer;
        id.usable = true;
        id.container = "sentencepiece";
        id.format = "SentencePiece";
        id.reason =
            tokenizer.string() + ": a SentencePiece tokenizer model (the umT5 spiece.model of a set).";
        return id;
    }
    std::vector<io::TensorDescription> tensors;
    io::FileContainer container = io::FileContainer::Safetensors;
    std::string architecture;
    for (const auto& file : weightFilesOf(path, "a Wan 2.1 model set")) {
        auto more = io::readTensorDescriptions(file, container, architecture);
        tensors.insert(tensors.end(), std::make_move_iterator(more.begin()),
                       std::make_move_iterator(more.end()));
    }
    const auto d = io::detectTensors(tensors, container, architecture, path);
    id.role = roleOf(d.role);
    id.usable = d.isWan && id.role != ModelFileRole::Unknown;
    id.container = containerName(d.container);
    id.format = d.naming == io::NamingSource::Unknown ? "" : io::namingSourceName(d.naming);
    id.precision = d.storage;
    id.task = d.task;
    id.modelSize = d.modelSize;
    id.dim = d.dim;
    id.inDim = d.inDim;
    id.numLayers = d.numLayers;
    id.looksLike = d.looksLike;
    id.reason = d.message;
    return id;
}

} // namespace

ModelFileIdentity identifyModelFile(const fs::path& path)
{
    try {
        return identify(path);
    } catch (const std::exception& e) {
        ModelFileIdentity id;
        id.path = path;
        id.reason = e.what();
        return id;
    }
}

const char* modelFileRoleName(ModelFileRole role) noexcept
{
    switch (role) {
    case ModelFileRole::Dit:
        return "dit";
    case ModelFileRole::T5:
        return "t5";
    case ModelFileRole::Vae:
        return "vae";
    case ModelFileRole::Clip:
        return "clip";
    case ModelFileRole::Tokenizer:
        return "tokenizer";
    case ModelFileRole::Lora:
        return "lora";
    case ModelFileRole::Unknown:
        break;
    }
    return "unknown";
}

std::string modelFileIdentityToJson(const ModelFileIdentity& id)
{
    const nlohmann::json j = {{"path", id.path.string()},
                              {"role", modelFileRoleName(id.role)},
                              {"usable", id.usable},
                              {"container", id.container},
                              {"format", id.format},
                              {"precision", id.precision},
                              {"task", id.task},
                              {"model_size", id.modelSize},
                              {"dim", id.dim},
                              {"in_dim", id.inDim},
                              {"num_layers", id.numLayers},
                              {"looks_like", id.looksLike},
                              {"reason", id.reason}};
    return j.dump(2);
}

std::string modelInfoToJson(const ModelInfo& info)
{
    nlohmann::json j;
    j["dir"] = info.dir.string();
    j["model_type"] = modelTypeName(info.modelType);
    const auto& d = info.dit;
    nlohmann::json ditFiles = nlohmann::json::array();
    std::uint64_t ditParams = 0;
    for (const auto& f : d.files) {
        ditFiles.push_back(fileJson(f));
        ditParams += f.parameterCount;
    }
    j["dit"] = {{"dim", d.dim},
                {"ffn_dim", d.ffnDim},
                {"num_heads", d.numHeads},
                {"num_layers", d.numLayers},
                {"in_dim", d.inDim},
                {"out_dim", d.outDim},
                {"text_len", d.textLen},
                {"freq_dim", d.freqDim},
                {"text_dim", d.textDim},
                {"eps", d.eps},
                {"patch_size", d.patchSize},
                {"parameters", ditParams},
                {"files", ditFiles}};
    const auto& t = info.t5;
    j["t5"] = {{"dim", t.dim},
               {"dim_attn", t.dimAttn},
               {"num_layers", t.numLayers},
               {"num_heads", t.numHeads},
               {"ffn_dim", t.ffnDim},
               {"vocab", t.vocab},
               {"num_buckets", t.numBuckets},
               {"file", fileJson(t.file)}};
    j["vae"] = {{"dim", info.vae.dim}, {"z_dim", info.vae.zDim}, {"file", fileJson(info.vae.file)}};
    if (info.clip) {
        const auto& c = *info.clip;
        j["clip"] = {{"width", c.width},          {"layers", c.layers},      {"patch_size", c.patchSize},
                     {"image_size", c.imageSize}, {"heads", c.heads},        {"mlp_dim", c.mlpDim},
                     {"out_dim", c.outDim},       {"file", fileJson(c.file)}};
    }
    if (info.modelType == ModelType::VACE) {
        j["dit"]["vace_layers"] = d.vaceLayers;
        j["dit"]["vace_in_dim"] = d.vaceInDim;
    }
    if (!info.ditConfig.empty())
        j["dit"]["config"] = info.ditConfig.string();
    j["tokenizer"] = info.tokenizerModel.string();
    j["tasks"] = folderTasks(info);
    return j.dump(2);
}

std::string modelInfoToText(const ModelInfo& info)
{
    auto gb = [](std::uint64_t bytes) {
        std::ostringstream os;
        os.precision(bytes >= (1ull << 30) ? 3 : 2);
        if (bytes >= (1ull << 30))
            os << std::fixed << bytes / double(1ull << 30) << " GiB";
        else
            os << std::fixed << bytes / double(1ull << 20) << " MiB";
        return os.str();
    };
    auto file = [&](const FileInfo& f) {
        const bool loose = info.dir.empty() || f.path.parent_path() != info.dir;
        return (loose ? f.path.string() : f.path.filename().string()) + " (" + gb(f.sizeBytes) + ", " +
               f.dtype + ", " + std::to_string(f.parameterCount) + " parameters" +
               (f.format.empty() || f.format == "official" ? "" : ", " + f.format) + ")";
    };
    std::ostringstream os;
    const auto& d = info.dit;
    if (!info.dir.empty())
        os << "Model folder: " << info.dir.string() << "\n";
    os << "Type: " << modelTypeName(info.modelType) << "\n";
    os << "Tasks:";
    for (const auto& task : folderTasks(info))
        os << " " << task;
    os << "\n";
    os << "DiT: dim " << d.dim << ", ffn_dim " << d.ffnDim << ", " << d.numHeads << " heads, " << d.numLayers
       << " layers, in_dim " << d.inDim << ", out_dim " << d.outDim << ", text_len " << d.textLen
       << ", freq_dim " << d.freqDim << ", text_dim " << d.textDim << "\n";
    if (info.modelType == ModelType::VACE) {
        os << "VACE: vace_in_dim " << d.vaceInDim << ", hint blocks at layers";
        for (const auto layer : d.vaceLayers)
            os << " " << layer;
        os << "\n";
    }
    for (const auto& f : d.files)
        os << "  " << file(f) << "\n";
    const auto& t = info.t5;
    os << "T5: dim " << t.dim << ", dim_attn " << t.dimAttn << ", " << t.numLayers << " layers, "
       << t.numHeads << " heads, ffn_dim " << t.ffnDim << ", vocab " << t.vocab << ", " << t.numBuckets
       << " buckets\n  " << file(t.file) << "\n";
    os << "VAE: dim " << info.vae.dim << ", z_dim " << info.vae.zDim << "\n  " << file(info.vae.file) << "\n";
    if (info.clip) {
        const auto& c = *info.clip;
        os << "CLIP: width " << c.width << ", " << c.layers << " layers, " << c.heads << " heads, patch "
           << c.patchSize << ", image " << c.imageSize << ", mlp " << c.mlpDim << ", out " << c.outDim
           << "\n  " << file(c.file) << "\n";
    }
    os << "Tokenizer: " << info.tokenizerModel.string() << "\n";
    return os.str();
}

namespace io {

namespace {

ShapeTable shapeTable(const TensorShapes& shapes, const fs::path& file)
{
    ShapeTable table;
    table.file = file;
    for (const auto& [name, shape] : shapes) {
        RawTensor tensor;
        tensor.name = name;
        tensor.shape = shape;
        table.tensors.emplace(name, std::move(tensor));
    }
    return table;
}

} // namespace

ModelInfo ditDimsFromShapes(const TensorShapes& shapes, const fs::path& configFile,
                            const fs::path& weightsFile)
{
    ModelInfo info;
    readDitDims(shapeTable(shapes, weightsFile), configFile, weightsFile, info);
    return info;
}

T5Dims t5DimsFromShapes(const TensorShapes& shapes, const fs::path& file)
{
    ModelInfo info;
    FileInfo fileInfo;
    fileInfo.path = file;
    checkT5(shapeTable(shapes, file), fileInfo, info, /*withDit=*/false);
    return info.t5;
}

ClipDims clipDimsFromShapes(const TensorShapes& shapes, const fs::path& file)
{
    ModelInfo info;
    FileInfo fileInfo;
    fileInfo.path = file;
    checkClip(shapeTable(shapes, file), fileInfo, info, /*ditImageWidth=*/0, /*firstLastTokens=*/0);
    return *info.clip;
}

} // namespace io

} // namespace wan
