#include "wan/ModelFolder.h"

#include "io/MappedFile.h"
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

constexpr const char* kDitFile = "diffusion_pytorch_model.safetensors";
constexpr const char* kDitIndex = "diffusion_pytorch_model.safetensors.index.json";
constexpr const char* kT5File = "models_t5_umt5-xxl-enc-bf16.pth";
constexpr const char* kVaeFile = "Wan2.1_VAE.pth";
constexpr const char* kClipFile = "models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth";
constexpr const char* kTokenizerFile = "google/umt5-xxl/spiece.model";

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

// Returns the input width of the i2v image projection (img_emb.proj.0), 0 for t2v.
int inspectDit(const fs::path& dir, ModelInfo& info)
{
    const fs::path configFile = dir / "config.json";
    if (!fs::is_regular_file(configFile))
        folderError("Missing " + configFile.string() +
                    " (the DiT configuration: model_type, dim, num_layers, ...).");
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

    // Weights: one file or shards listed by the index.
    std::vector<fs::path> shards;
    const fs::path single = dir / kDitFile;
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
        throw Error(ErrorKind::ModelFolder, all.file.string() + " has " + std::to_string(layers) +
                                                " blocks but config.json says num_layers " +
                                                std::to_string(d.numLayers) + ". " + kWhereToGet);
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
                                                    std::to_string(d.vaceLayers.size()) + ". " +
                                                    kWhereToGet);
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
    if (info.modelType == ModelType::FLF2V) {
        if (!all.find("img_emb.emb_pos"))
            folderError(all.file.string() + " has no img_emb.emb_pos: these are image-to-video weights, but "
                                            "config.json says flf2v.");
        expectDim(all, "img_emb.emb_pos", 2, imageWidth, "the CLIP width", 3);
    } else if (all.find("img_emb.emb_pos")) {
        folderError(all.file.string() + " has img_emb.emb_pos (first-last-frame weights), but config.json "
                                        "says i2v.");
    }
    return imageWidth;
}

void inspectT5(const fs::path& dir, ModelInfo& info)
{
    const fs::path file = requireFile(dir, kT5File, "the umT5-XXL text encoder");
    T5Dims& t = info.t5;
    const auto table = readPthShapes(file, t.file);
    const auto& emb = table.shape("token_embedding.weight", 2);
    t.vocab = toInt(emb[0]);
    t.dim = toInt(emb[1]);
    t.numLayers = table.countIndexed("blocks.");
    if (t.numLayers == 0)
        folderError(file.string() + " has no encoder blocks: not a umT5 encoder state dict.");
    const std::string pos = table.find("blocks.0.pos_embedding.embedding.weight")
                                ? "blocks.0.pos_embedding.embedding.weight"
                                : "pos_embedding.embedding.weight";
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
    if (t.dim != info.dit.textDim)
        folderError(file.string() + ": the text encoder width " + std::to_string(t.dim) +
                    " differs from the DiT's text_dim " + std::to_string(info.dit.textDim) +
                    " (text_embedding.0.weight): the files come from different models.");
}

void inspectVae(const fs::path& dir, ModelInfo& info)
{
    const fs::path file = requireFile(dir, kVaeFile, "the Wan2.1 VAE");
    VaeDims& v = info.vae;
    const auto table = readPthShapes(file, v.file);
    v.dim = toInt(table.shape("encoder.conv1.weight", 5)[0]);
    v.zDim = toInt(table.shape("conv2.weight", 5)[0]);
    expectDim(table, "conv1.weight", 0, 2 * v.zDim, "2 * z_dim", 5);
    expectDim(table, "decoder.conv1.weight", 1, v.zDim, "z_dim", 5);
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

void inspectClip(const fs::path& dir, ModelInfo& info, int ditImageWidth, int firstLastTokens)
{
    const fs::path file =
        requireFile(dir, kClipFile,
                    "the open-clip XLM-RoBERTa ViT-H/14 image encoder for " + modelTypeName(info.modelType));
    ClipDims c;
    const auto table = readPthShapes(file, c.file);
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
    if (c.width != ditImageWidth)
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

ModelInfo inspectFolder(const fs::path& dir)
{
    if (!fs::exists(dir))
        folderError("Model folder " + dir.string() + " does not exist.");
    if (!fs::is_directory(dir))
        folderError(dir.string() + " is not a folder: pass the model folder (--ckpt_dir), not a file.");
    ModelInfo info;
    info.dir = dir;
    const int ditImageWidth = inspectDit(dir, info);
    inspectT5(dir, info);
    inspectVae(dir, info);
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
        inspectClip(dir, info, ditImageWidth, firstLastTokens);
    }
    info.tokenizerModel = requireFile(dir, kTokenizerFile, "the umT5 SentencePiece tokenizer");
    spdlog::debug("{}: {} model, dim {}, {} layers", dir.string(), modelTypeName(info.modelType),
                  info.dit.dim, info.dit.numLayers);
    return info;
}

nlohmann::json fileJson(const FileInfo& f)
{
    return {{"path", f.path.string()},
            {"size_bytes", f.sizeBytes},
            {"dtype", f.dtype},
            {"parameters", f.parameterCount}};
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

ModelInfo inspectModelFolder(const fs::path& dir)
{
    try {
        return inspectFolder(dir);
    } catch (const fs::filesystem_error& e) {
        throw Error(ErrorKind::Io, "cannot read the model folder " + dir.string() + ": " + e.what());
    }
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
        return f.path.filename().string() + " (" + gb(f.sizeBytes) + ", " + f.dtype + ", " +
               std::to_string(f.parameterCount) + " parameters)";
    };
    std::ostringstream os;
    const auto& d = info.dit;
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

} // namespace wan
