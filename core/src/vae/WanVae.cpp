#include "vae/WanVae.h"

#include "io/NameTables.h"
#include "io/TensorIo.h"
#include "wan/Error.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>
#include <utility>

namespace wan::vae {

namespace {

namespace fs = std::filesystem;

bool isZipFile(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    char magic[4] = {};
    in.read(magic, sizeof magic);
    return in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

constexpr int64_t kSpatialFactor = 8;  // pixels per latent cell
constexpr int64_t kTemporalFactor = 4; // frames per latent frame after the first

std::string shapeText(const torch::Tensor& t)
{
    std::ostringstream os;
    os << t.sizes();
    return os.str();
}

void checkTiling(const TilingOptions& tiling)
{
    if (!tiling.enabled)
        return;
    if (tiling.tileSizePx < 2 * kSpatialFactor || tiling.tileSizePx % kSpatialFactor != 0)
        throw Error(ErrorKind::InvalidArgument,
                    "VAE tile size must be a multiple of 8 pixels and at least 16, got " +
                        std::to_string(tiling.tileSizePx));
    if (tiling.overlapPx < 0 || tiling.overlapPx % kSpatialFactor != 0 ||
        tiling.overlapPx >= tiling.tileSizePx)
        throw Error(ErrorKind::InvalidArgument,
                    "VAE tile overlap must be a multiple of 8 pixels, at least 0 and below the tile size (" +
                        std::to_string(tiling.tileSizePx) + "), got " + std::to_string(tiling.overlapPx));
}

torch::Tensor channelView(const torch::Tensor& perChannel)
{
    return perChannel.view({1, -1, 1, 1, 1});
}

} // namespace

const std::array<float, 16>& latentMean()
{
    static const std::array<float, 16> kMean{-0.7571f, -0.7089f, -0.9113f, 0.1075f,  -0.1745f, 0.9653f,
                                             -0.1517f, 1.5508f,  0.4134f,  -0.0715f, 0.5517f,  -0.3632f,
                                             -0.1922f, -0.9497f, 0.2503f,  -0.2921f};
    return kMean;
}

const std::array<float, 16>& latentStd()
{
    static const std::array<float, 16> kStd{2.8184f, 1.4541f, 2.3275f, 2.6558f, 1.2196f, 1.7708f,
                                            2.6052f, 2.0743f, 3.2687f, 2.1526f, 2.8652f, 1.5579f,
                                            1.6382f, 1.1253f, 2.8251f, 1.9160f};
    return kStd;
}

std::vector<TileSpan> planTiles(int64_t length, int64_t tile, int64_t overlap)
{
    if (length <= tile)
        return {TileSpan{0, length}};
    // The fewest full-size tiles whose overlaps are at least `overlap`, spread evenly (no thin last sliver).
    const int64_t stride = std::max<int64_t>(1, tile - overlap);
    const int64_t count = 1 + (length - tile + stride - 1) / stride;
    std::vector<TileSpan> spans;
    spans.reserve(size_t(count));
    for (int64_t i = 0; i < count; ++i) {
        const int64_t begin = i * (length - tile) / (count - 1);
        spans.push_back({begin, begin + tile});
    }
    return spans;
}

torch::Tensor tileRamp(const std::vector<TileSpan>& spans, size_t index, int64_t scale)
{
    const TileSpan& span = spans.at(index);
    const int64_t n = (span.end - span.begin) * scale;
    // Pixel centres (i + 0.5) make both ramps strictly positive and complementary across a shared band.
    torch::Tensor pos = torch::arange(n, torch::kFloat64).add_(0.5);
    torch::Tensor w = torch::ones({n}, torch::kFloat64);
    if (index > 0) {
        const int64_t band = (spans[index - 1].end - span.begin) * scale;
        if (band > 0)
            w.mul_((pos / double(band)).clamp_max_(1.0));
    }
    if (index + 1 < spans.size()) {
        const int64_t band = (span.end - spans[index + 1].begin) * scale;
        if (band > 0)
            w.mul_(((double(n) - pos) / double(band)).clamp_max_(1.0));
    }
    return w.to(torch::kFloat32);
}

// Cancellation and progress for one call, counted over all chunks of all tiles.
class WanVae::ChunkCounter
{
public:
    ChunkCounter(const VaeRunOptions& options, int total) : m_options(options), m_total(total) {}

    void beforeChunk() const
    {
        if (m_options.cancel && m_options.cancel->isCancelled())
            throw Error(ErrorKind::Cancelled, "VAE run cancelled");
    }
    void afterChunk()
    {
        ++m_done;
        if (m_options.progress)
            m_options.progress(m_done, m_total);
    }

private:
    const VaeRunOptions& m_options;
    int m_total;
    int m_done = 0;
};

WanVae::WanVae(VaeModel model, torch::Dtype dtype, torch::Device device)
    : m_model(std::move(model)), m_dtype(dtype), m_device(device)
{
    m_model->eval();
    m_model->to(device, dtype);
    const auto& mean = latentMean();
    const auto& stdev = latentStd();
    const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
    m_mean = torch::tensor(std::vector<float>(mean.begin(), mean.end()), f32).to(device);
    // The official wrapper keeps 1/std and divides by it on decode; the same float32 values are kept here.
    m_invStd = (1.0 / torch::tensor(std::vector<float>(stdev.begin(), stdev.end()), f32)).to(device);
}

std::unique_ptr<WanVae> WanVae::load(const std::filesystem::path& vaePth, torch::Dtype dtype,
                                     torch::Device device, const CancelToken* cancel)
{
    return loadWith(vaePth, std::nullopt, dtype, device, cancel);
}

std::unique_ptr<WanVae> WanVae::load(const VaeDims& dims, torch::Dtype dtype, torch::Device device,
                                     const CancelToken* cancel)
{
    VaeArch arch;
    arch.dim = dims.dim;
    arch.zDim = dims.zDim;
    return loadWith(dims.file.path, arch, dtype, device, cancel);
}

std::unique_ptr<WanVae> WanVae::loadWith(const std::filesystem::path& vaePth,
                                         const std::optional<VaeArch>& given, torch::Dtype dtype,
                                         torch::Device device, const CancelToken* cancel)
{
    // A diffusers vae/ folder holds its weights in diffusion_pytorch_model.safetensors.
    std::error_code ec;
    fs::path file = fs::is_directory(vaePth, ec) ? vaePth / "diffusion_pytorch_model.safetensors" : vaePth;
    // A model folder's Wan2.1_VAE.pth: a diffusers folder (model_index.json) has none and keeps the VAE in
    // vae/ instead.
    const fs::path folder = vaePth.parent_path();
    if (!fs::exists(file, ec) && !folder.empty() && fs::is_regular_file(folder / "model_index.json", ec) &&
        fs::is_regular_file(folder / "vae" / "diffusion_pytorch_model.safetensors", ec))
        file = folder / "vae" / "diffusion_pytorch_model.safetensors";
    if (!fs::is_regular_file(file, ec))
        throw Error(ErrorKind::ModelFolder,
                    "VAE weights not found: " + file.string() +
                        " (Wan2.1_VAE.pth of the model folder, wan_2.1_vae.safetensors "
                        "or a diffusers vae folder)");
    // torch.save archives are zip files; anything else is read as safetensors (which checks its header).
    io::TensorMap stored = isZipFile(file) ? io::loadPth(file) : io::loadSafetensors(file);
    // diffusers' names, told by their own top-level modules; otherwise the official ones (ComfyUI's
    // wan_2.1_vae.safetensors keeps them).
    const bool diffusers = stored.count("quant_conv.weight") || stored.count("post_quant_conv.weight") ||
                           std::any_of(stored.begin(), stored.end(), [](const auto& item) {
                               return item.first.starts_with("decoder.up_blocks.") ||
                                      item.first.starts_with("encoder.down_blocks.");
                           });
    io::RenamedWeights renamed;
    if (diffusers) {
        renamed = io::renameWeights(std::move(stored), io::diffusersVaeNames(), file);
        spdlog::info("{}: VAE tensor names mapped from the diffusers layout onto the official ones",
                     file.string());
    } else {
        renamed.weights = std::move(stored);
    }
    const io::TensorMap& weights = renamed.weights;
    auto shapeOf = [&](const std::string& name) {
        const auto it = weights.find(name);
        if (it == weights.end() || it->second.dim() != 5)
            throw Error(ErrorKind::ModelFolder,
                        file.string() + " is not a Wan2.1 VAE checkpoint (tensor " +
                            (diffusers ? io::otherName(name, io::diffusersVaeNames()).value_or(name) : name) +
                            " missing or not 5-D); use Wan2.1_VAE.pth of the model folder");
        return it->second.sizes().vec();
    };
    VaeArch arch;
    if (given) {
        arch = *given;
    } else {
        arch.dim = shapeOf("encoder.conv1.weight")[0];
        arch.zDim = shapeOf("conv2.weight")[0];
    }
    if (arch.zDim != int64_t(latentMean().size()))
        throw Error(ErrorKind::ModelFolder, file.string() + " has z_dim " + std::to_string(arch.zDim) +
                                                ", but the Wan2.1 VAE latent statistics are for 16 channels");
    VaeModel model(arch);
    io::BindOptions bind;
    bind.dtype = dtype;
    bind.device = device;
    bind.cancel = cancel;
    if (diffusers)
        bind.nameInFile = io::namesInFile(renamed, io::diffusersVaeNames());
    io::bindStateDict(*model, weights, file, bind);
    spdlog::info("VAE {}: dim {}, z_dim {}, {} on {}", file.filename().string(), arch.dim, arch.zDim,
                 c10::toString(dtype), device.str());
    return std::unique_ptr<WanVae>(new WanVae(std::move(model), dtype, device));
}

std::unique_ptr<WanVae> WanVae::randomInit(const VaeArch& arch, torch::Dtype dtype, torch::Device device,
                                           uint64_t seed)
{
    torch::NoGradGuard noGrad;
    VaeModel model(arch);
    auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    for (auto& item : model->named_parameters()) {
        torch::Tensor& p = item.value();
        const std::string& name = item.key();
        if (name.size() >= 5 && name.compare(name.size() - 5, 5, "gamma") == 0) {
            p.fill_(1.0);
        } else if (p.dim() == 1) {
            p.copy_(torch::randn(p.sizes(), generator, torch::kFloat32).mul_(0.02));
        } else {
            const double fanIn = double(p.numel() / p.size(0));
            p.copy_(torch::randn(p.sizes(), generator, torch::kFloat32).mul_(1.0 / std::sqrt(fanIn)));
        }
    }
    return std::unique_ptr<WanVae>(new WanVae(std::move(model), dtype, device));
}

torch::Tensor WanVae::encodeWhole(const torch::Tensor& video, ChunkCounter& counter) const
{
    // video: [1, 3, T, H, W] -> mu [1, zDim, 1 + (T-1)/4, H/8, W/8] (model dtype)
    const int64_t frames = video.size(2);
    const int64_t chunks = 1 + (frames - 1) / kTemporalFactor;
    FeatureCache cache;
    std::vector<torch::Tensor> outputs;
    outputs.reserve(size_t(chunks));
    for (int64_t i = 0; i < chunks; ++i) {
        counter.beforeChunk();
        cache.beginChunk();
        // Chunks of 1, 4, 4, ... frames: the first frame is encoded on its own.
        const torch::Tensor chunk =
            i == 0 ? video.narrow(2, 0, 1) : video.narrow(2, 1 + kTemporalFactor * (i - 1), kTemporalFactor);
        outputs.push_back(m_model.ptr()->encoder->forward(chunk, cache));
        counter.afterChunk();
    }
    const torch::Tensor h = torch::cat(outputs, 2);
    // conv1 is 1x1x1, so only its mu half (first zDim outputs) is computed.
    const int64_t z = m_model->arch.zDim;
    return torch::conv3d(h, m_model->conv1->weight.narrow(0, 0, z), m_model->conv1->bias.narrow(0, 0, z));
}

torch::Tensor WanVae::decodeWhole(const torch::Tensor& x, ChunkCounter& counter) const
{
    // x: [1, zDim, T, h, w] after conv2 -> [1, 3, 1 + 4(T-1), 8h, 8w] (model dtype, unclamped)
    const int64_t latentFrames = x.size(2);
    const int64_t frames = 1 + kTemporalFactor * (latentFrames - 1);
    torch::Tensor out =
        torch::empty({1, 3, frames, x.size(3) * kSpatialFactor, x.size(4) * kSpatialFactor}, x.options());
    FeatureCache cache;
    int64_t written = 0;
    for (int64_t i = 0; i < latentFrames; ++i) {
        counter.beforeChunk();
        cache.beginChunk();
        const torch::Tensor y = m_model.ptr()->decoder->forward(x.narrow(2, i, 1), cache);
        out.narrow(2, written, y.size(2)).copy_(y);
        written += y.size(2);
        counter.afterChunk();
    }
    TORCH_CHECK(written == frames, "VAE decoder produced ", written, " frames, expected ", frames);
    return out;
}

template <typename Run> torch::Tensor WanVae::withFloat32Fallback(const char* what, Run&& run)
{
    torch::Tensor out = run(m_dtype);
    if (m_dtype == torch::kFloat32 || torch::isfinite(out).all().item<bool>())
        return out;
    // fp16's range ends at 65504; the VAE's activations can pass it on bright, saturated frames.
    spdlog::warn("VAE {} in {} gave values that are not finite; running it again in float32", what,
                 c10::toString(m_dtype));
    ++m_float32Reruns;
    out = torch::Tensor();
    struct Restore
    {
        VaeModel& model;
        torch::Dtype dtype;
        ~Restore()
        {
            try {
                model->to(dtype);
            } catch (const std::exception& e) {
                spdlog::error("VAE weights not returned to {}: {}", c10::toString(dtype), e.what());
            }
        }
    } restore{m_model, m_dtype};
    m_model->to(torch::kFloat32); // float16 and bfloat16 values widen exactly, and narrow back to the same
    return run(torch::kFloat32);
}

torch::Tensor WanVae::encode(const torch::Tensor& video, const VaeRunOptions& options)
{
    // video: [3, T, H, W] -> [zDim, 1 + (T-1)/4, H/8, W/8]
    if (!video.defined() || video.dim() != 4 || video.size(0) != 3 || !video.is_floating_point())
        throw Error(ErrorKind::InvalidArgument,
                    "VAE encode expects a floating video tensor [3, T, H, W], got " +
                        (video.defined() ? shapeText(video) : std::string("an undefined tensor")));
    const int64_t frames = video.size(1), height = video.size(2), width = video.size(3);
    // The official encoder silently drops frames beyond the last 4n+1; refusing them avoids losing frames.
    if (frames < 1 || (frames - 1) % kTemporalFactor != 0)
        throw Error(ErrorKind::InvalidArgument, "VAE encode needs 4n+1 frames (1, 5, 9, ..., 81), got " +
                                                    std::to_string(frames) +
                                                    "; trim or pad the video to 4n+1 frames");
    if (height < kSpatialFactor || width < kSpatialFactor || height % kSpatialFactor != 0 ||
        width % kSpatialFactor != 0)
        throw Error(ErrorKind::InvalidArgument,
                    "VAE encode needs a height and width that are multiples of 8, got " +
                        std::to_string(height) + "x" + std::to_string(width) + "; resize or crop the video");
    checkTiling(options.tiling);

    torch::NoGradGuard noGrad;
    const CudnnBenchmarkScope benchmark(m_device.is_cuda() && CudnnBenchmarkScope::wanted());
    const torch::Tensor mu =
        withFloat32Fallback("encode", [&](torch::Dtype dtype) { return encodeIn(video, options, dtype); });
    return ((mu - channelView(m_mean)) * channelView(m_invStd)).squeeze(0);
}

torch::Tensor WanVae::encodeIn(const torch::Tensor& video, const VaeRunOptions& options,
                               torch::Dtype dtype) const
{
    // video: [3, T, H, W] -> mu [1, zDim, 1 + (T-1)/4, H/8, W/8] float32
    const int64_t frames = video.size(1), height = video.size(2), width = video.size(3);
    const torch::Tensor x = video.to(m_device, dtype).unsqueeze(0);
    const int64_t chunks = 1 + (frames - 1) / kTemporalFactor;
    const int64_t h = height / kSpatialFactor, w = width / kSpatialFactor;
    const int64_t tile = options.tiling.tileSizePx / kSpatialFactor;
    const int64_t overlap = options.tiling.overlapPx / kSpatialFactor;

    torch::Tensor mu;
    if (!options.tiling.enabled || (h <= tile && w <= tile)) {
        ChunkCounter counter(options, int(chunks));
        mu = encodeWhole(x, counter).to(torch::kFloat32);
    } else {
        const auto rows = planTiles(h, tile, overlap);
        const auto cols = planTiles(w, tile, overlap);
        ChunkCounter counter(options, int(chunks * int64_t(rows.size() * cols.size())));
        const auto f32 = torch::TensorOptions().dtype(torch::kFloat32).device(m_device);
        mu = torch::zeros({1, m_model->arch.zDim, chunks, h, w}, f32);
        torch::Tensor weightSum = torch::zeros({h, w}, f32);
        for (size_t r = 0; r < rows.size(); ++r) {
            const torch::Tensor rampY = tileRamp(rows, r, 1).to(m_device);
            for (size_t c = 0; c < cols.size(); ++c) {
                const torch::Tensor weight =
                    rampY.unsqueeze(1) * tileRamp(cols, c, 1).to(m_device).unsqueeze(0);
                const auto& ry = rows[r];
                const auto& cx = cols[c];
                const torch::Tensor part = encodeWhole(
                    x.narrow(3, ry.begin * kSpatialFactor, (ry.end - ry.begin) * kSpatialFactor)
                        .narrow(4, cx.begin * kSpatialFactor, (cx.end - cx.begin) * kSpatialFactor),
                    counter);
                mu.narrow(3, ry.begin, ry.end - ry.begin)
                    .narrow(4, cx.begin, cx.end - cx.begin)
                    .add_(part.to(torch::kFloat32) * weight);
                weightSum.narrow(0, ry.begin, ry.end - ry.begin)
                    .narrow(1, cx.begin, cx.end - cx.begin)
                    .add_(weight);
            }
        }
        mu.div_(weightSum);
    }
    return mu;
}

torch::Tensor WanVae::decode(const torch::Tensor& latent, const VaeRunOptions& options)
{
    // latent: [zDim, T, h, w] -> [3, 1 + 4(T-1), 8h, 8w]
    if (!latent.defined() || latent.dim() != 4 || latent.size(0) != m_model->arch.zDim ||
        !latent.is_floating_point() || latent.size(1) < 1 || latent.size(2) < 1 || latent.size(3) < 1)
        throw Error(ErrorKind::InvalidArgument,
                    "VAE decode expects a floating latent tensor [" + std::to_string(m_model->arch.zDim) +
                        ", T, h, w], got " +
                        (latent.defined() ? shapeText(latent) : std::string("an undefined tensor")));
    checkTiling(options.tiling);

    torch::NoGradGuard noGrad;
    const CudnnBenchmarkScope benchmark(m_device.is_cuda() && CudnnBenchmarkScope::wanted());
    auto video =
        withFloat32Fallback("decode", [&](torch::Dtype dtype) { return decodeIn(latent, options, dtype); });
    return video.clamp_(-1.0, 1.0).squeeze(0);
}

torch::Tensor WanVae::decodeIn(const torch::Tensor& latent, const VaeRunOptions& options,
                               torch::Dtype dtype) const
{
    // latent: [zDim, T, h, w] -> [1, 3, 1 + 4(T-1), 8h, 8w] float32, unclamped
    torch::Tensor z = latent.to(m_device, torch::kFloat32).unsqueeze(0);
    z = z / channelView(m_invStd) + channelView(m_mean);
    const torch::Tensor x = m_model.ptr()->conv2->forward(z.to(dtype));
    z = torch::Tensor();

    const int64_t latentFrames = x.size(2), h = x.size(3), w = x.size(4);
    const int64_t tile = options.tiling.tileSizePx / kSpatialFactor;
    const int64_t overlap = options.tiling.overlapPx / kSpatialFactor;
    torch::Tensor video;
    if (!options.tiling.enabled || (h <= tile && w <= tile)) {
        ChunkCounter counter(options, int(latentFrames));
        video = decodeWhole(x, counter).to(torch::kFloat32);
    } else {
        const auto rows = planTiles(h, tile, overlap);
        const auto cols = planTiles(w, tile, overlap);
        ChunkCounter counter(options, int(latentFrames * int64_t(rows.size() * cols.size())));
        const auto f32 = torch::TensorOptions().dtype(torch::kFloat32).device(m_device);
        const int64_t frames = 1 + kTemporalFactor * (latentFrames - 1);
        video = torch::zeros({1, 3, frames, h * kSpatialFactor, w * kSpatialFactor}, f32);
        torch::Tensor weightSum = torch::zeros({h * kSpatialFactor, w * kSpatialFactor}, f32);
        for (size_t r = 0; r < rows.size(); ++r) {
            const torch::Tensor rampY = tileRamp(rows, r, kSpatialFactor).to(m_device);
            for (size_t c = 0; c < cols.size(); ++c) {
                const torch::Tensor weight =
                    rampY.unsqueeze(1) * tileRamp(cols, c, kSpatialFactor).to(m_device).unsqueeze(0);
                const auto& ry = rows[r];
                const auto& cx = cols[c];
                const torch::Tensor part = decodeWhole(
                    x.narrow(3, ry.begin, ry.end - ry.begin).narrow(4, cx.begin, cx.end - cx.begin), counter);
                const int64_t y0 = ry.begin * kSpatialFactor, x0 = cx.begin * kSpatialFactor;
                video.narrow(3, y0, part.size(3))
                    .narrow(4, x0, part.size(4))
                    .add_(part.to(torch::kFloat32) * weight);
                weightSum.narrow(0, y0, part.size(3)).narrow(1, x0, part.size(4)).add_(weight);
            }
        }
        video.div_(weightSum);
    }
    return video;
}

void WanVae::moveTo(torch::Device device)
{
    if (device == m_device)
        return;
    try {
        m_model->to(device);
        m_mean = m_mean.to(device);
        m_invStd = m_invStd.to(device);
    } catch (...) {
        // A move that fails part way (out of memory) leaves nothing behind on `device`: all back home.
        m_model->to(m_device);
        m_mean = m_mean.to(m_device);
        m_invStd = m_invStd.to(m_device);
        throw;
    }
    m_device = device;
}

WanVae::DeviceScope::DeviceScope(WanVae& vae, torch::Device device) : m_vae(vae), m_home(vae.device())
{
    m_vae.moveTo(device); // all or nothing
}

WanVae::DeviceScope::~DeviceScope()
{
    try {
        m_vae.moveTo(m_home);
    } catch (const std::exception& e) {
        spdlog::error("VAE not returned to {}: {}", m_home.str(), e.what());
    }
}

CudnnBenchmarkScope::CudnnBenchmarkScope(bool enable)
{
    if (!enable)
        return;
    auto& context = at::globalContext();
    m_previous = context.benchmarkCuDNN();
    context.setBenchmarkCuDNN(true);
    m_changed = true;
}

CudnnBenchmarkScope::~CudnnBenchmarkScope()
{
    if (m_changed)
        at::globalContext().setBenchmarkCuDNN(m_previous);
}

bool CudnnBenchmarkScope::wanted()
{
    const char* value = std::getenv("WAN_CUDNN_BENCHMARK");
    return value == nullptr || std::string_view(value) != "0";
}

} // namespace wan::vae
