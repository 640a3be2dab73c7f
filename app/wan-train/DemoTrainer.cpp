#include "DemoTrainer.h"

#include "CheckpointFiles.h"
#include "SpmTrainer.h"
#include "dit/WanModel.h"
#include "io/TensorIo.h"
#include "text/T5Encoder.h"
#include "text/Tokenizer.h"
#include "vae/LatentPreview.h"
#include "vae/VaeModules.h"
#include "vae/WanVae.h"
#include "wan/ModelFolder.h"
#include "wan/Pipeline.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace wan::demo {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kVaeSalt = 0x7661650000000000ull;
constexpr std::uint64_t kLatentSalt = 0x6c61740000000000ull;
constexpr std::uint64_t kDitSalt = 0x6469740000000000ull;
constexpr std::uint64_t kEvalSalt = 0x6576616c00000000ull;
constexpr int kDitEvalSamples = 32;
constexpr double kAdamBeta1 = 0.9, kAdamBeta2 = 0.99, kAdamEps = 1e-8;
constexpr double kGradClip = 1.0;

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

torch::Generator generatorFor(std::uint64_t seed)
{
    return at::make_generator<at::CPUGeneratorImpl>(seed);
}

// Warm-up then cosine decay to 10 % of the peak.
double learningRate(double peak, int warmup, int total, int step)
{
    if (step < warmup)
        return peak * double(step + 1) / double(warmup);
    const double progress = double(step - warmup) / double(std::max(1, total - warmup));
    return peak * (0.1 + 0.9 * 0.5 * (1.0 + std::cos(std::numbers::pi * std::min(1.0, progress))));
}

// AdamW written out, so its state is plain tensors that checkpoints hold exactly.
class AdamW
{
public:
    explicit AdamW(std::vector<std::pair<std::string, torch::Tensor>> params, double weightDecay)
        : m_params(std::move(params)), m_weightDecay(weightDecay)
    {
        for (const auto& [name, p] : m_params) {
            m_m.push_back(torch::zeros_like(p));
            m_v.push_back(torch::zeros_like(p));
        }
    }

    void step(double lr)
    {
        torch::NoGradGuard noGrad;
        ++m_step;
        const double c1 = 1.0 - std::pow(kAdamBeta1, double(m_step));
        const double c2 = 1.0 - std::pow(kAdamBeta2, double(m_step));
        for (size_t i = 0; i < m_params.size(); ++i) {
            auto& p = m_params[i].second;
            if (!p.grad().defined())
                continue;
            const auto& g = p.grad();
            m_m[i].mul_(kAdamBeta1).add_(g, 1.0 - kAdamBeta1);
            m_v[i].mul_(kAdamBeta2).addcmul_(g, g, 1.0 - kAdamBeta2);
            if (m_weightDecay > 0.0 && p.dim() > 1)
                p.mul_(1.0 - lr * m_weightDecay);
            const auto denom = (m_v[i] / c2).sqrt_().add_(kAdamEps);
            p.addcdiv_(m_m[i], denom, -lr / c1);
        }
    }

    void zeroGrad()
    {
        for (auto& [name, p] : m_params)
            if (p.grad().defined())
                p.mutable_grad() = torch::Tensor();
    }

    double clipGradNorm(double maxNorm)
    {
        torch::NoGradGuard noGrad;
        double total = 0.0;
        for (auto& [name, p] : m_params)
            if (p.grad().defined())
                total += p.grad().pow(2).sum().item<double>();
        total = std::sqrt(total);
        if (total > maxNorm)
            for (auto& [name, p] : m_params)
                if (p.grad().defined())
                    p.mutable_grad().mul_(maxNorm / (total + 1e-6));
        return total;
    }

    void save(NamedTensors& out) const
    {
        for (size_t i = 0; i < m_params.size(); ++i) {
            out.emplace_back("adam_m." + m_params[i].first, m_m[i]);
            out.emplace_back("adam_v." + m_params[i].first, m_v[i]);
        }
        out.emplace_back("adam_step", torch::tensor({float(m_step)}));
    }

    void load(const io::TensorMap& in, const fs::path& file)
    {
        torch::NoGradGuard noGrad;
        for (size_t i = 0; i < m_params.size(); ++i) {
            m_m[i].copy_(require(in, "adam_m." + m_params[i].first, file));
            m_v[i].copy_(require(in, "adam_v." + m_params[i].first, file));
        }
        m_step = std::int64_t(require(in, "adam_step", file).item<float>());
    }

    static const torch::Tensor& require(const io::TensorMap& in, const std::string& name,
                                        const fs::path& file)
    {
        const auto it = in.find(name);
        if (it == in.end())
            throw std::runtime_error(file.string() + " has no tensor " + name +
                                     "; it is not a checkpoint of this trainer (delete it to start over)");
        return it->second;
    }

private:
    std::vector<std::pair<std::string, torch::Tensor>> m_params;
    std::vector<torch::Tensor> m_m, m_v;
    std::int64_t m_step = 0;
    double m_weightDecay;
};

std::vector<std::pair<std::string, torch::Tensor>> namedParams(torch::nn::Module& module)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& item : module.named_parameters())
        out.emplace_back(item.key(), item.value());
    return out;
}

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

// The study's VAE init: Kaiming convs with zero biases, each residual branch's last conv and the attention
// projection zeroed (blocks start as identities), causal 3x3x3 convs starting from the current-frame tap
// only, the time convs of the resampling layers as identities, log-variance bias -6.
void initVae(vae::VaeModelImpl& model, std::uint64_t seed)
{
    torch::NoGradGuard noGrad;
    auto gen = generatorFor(seed);
    const int64_t z = model.arch.zDim;
    for (auto& [name, p] : namedParams(model)) {
        if (endsWith(name, "gamma")) {
            p.fill_(1.0);
        } else if (endsWith(name, "bias")) {
            p.zero_();
        } else if (contains(name, "time_conv")) {
            // [out, in, 3, 1, 1]: upsampling has out = 2 * in (even and odd frames), downsampling out = in.
            p.zero_();
            const int64_t in = p.size(1);
            for (int64_t c = 0; c < in; ++c) {
                p[c][c][2][0][0] = 1.0;
                if (p.size(0) == 2 * in)
                    p[in + c][c][2][0][0] = 1.0;
            }
        } else if (contains(name, "residual.6") || endsWith(name, "proj.weight")) {
            p.zero_();
        } else if (p.dim() == 5 && p.size(2) == 3) {
            // Causal 3x3x3: only the last (current-frame) tap is drawn.
            p.zero_();
            const double fanIn = double(p.size(1) * p.size(3) * p.size(4));
            p.narrow(2, 2, 1).copy_(torch::randn(p.narrow(2, 2, 1).sizes(), gen, torch::kFloat32) *
                                    std::sqrt(2.0 / fanIn));
        } else {
            const double fanIn = double(p.numel() / p.size(0));
            // 1x1x1 projections (shortcuts, conv1, conv2) are linear maps: gain 1; the rest feed a SiLU.
            const double gain = (p.dim() == 5 && p.size(2) == 1 && p.size(3) == 1) ? 1.0 : 2.0;
            p.copy_(torch::randn(p.sizes(), gen, torch::kFloat32) * std::sqrt(gain / fanIn));
        }
    }
    model.conv1->bias.narrow(0, z, z).fill_(-6.0);
}

// The official WanModel.init_weights: Xavier-uniform linears with zero biases, N(0, 0.02) for the text and
// time embeddings, a zero output head, modulation randn / sqrt(dim), unit norms.
void initDit(dit::WanModel& model, std::uint64_t seed)
{
    torch::NoGradGuard noGrad;
    auto gen = generatorFor(seed);
    const double dim = double(model.config().dim);
    for (auto& [name, p] : namedParams(model)) {
        if (endsWith(name, "modulation")) {
            p.copy_(torch::randn(p.sizes(), gen, torch::kFloat32) / std::sqrt(dim));
        } else if (contains(name, "norm")) {
            if (endsWith(name, "bias"))
                p.zero_();
            else
                p.fill_(1.0);
        } else if (endsWith(name, "bias")) {
            p.zero_();
        } else if (name == "head.head.weight") {
            p.zero_();
        } else if (contains(name, "text_embedding") || contains(name, "time_embedding")) {
            p.copy_(torch::randn(p.sizes(), gen, torch::kFloat32) * 0.02);
        } else {
            const double fanOut = double(p.size(0)), fanIn = double(p.numel() / p.size(0));
            const double bound = std::sqrt(6.0 / (fanIn + fanOut));
            p.copy_((torch::rand(p.sizes(), gen, torch::kFloat32) * 2.0 - 1.0) * bound);
        }
        p.requires_grad_(true);
    }
}

// The official T5 init_weights: unit norms, N(0, 1) token embedding, N(0, (2 * buckets)^-1/2) position
// embedding, linears N(0, fan_in^-1/2) except q with (dim * dim_attn)^-1/2.
// Relative position bias [buckets, heads] of the frozen T5: with small random q/k the attention logits are
// nearly flat, which makes every token's output the same average of the caption (a bag of words: "a red
// circle on a blue background" and "a blue circle on a red background" encode alike). Each head instead
// looks mostly at one neighbour (previous, next, two before, two after, ...), so a word's output carries the
// words beside it ("blue" + "background" differs from "blue" + "circle") and the DiT can bind colours to
// roles. Buckets (bidirectional): distance d < buckets/4 before the query is bucket d, after it buckets/2 +
// d.
torch::Tensor localPositionBias(at::IntArrayRef sizes, torch::Generator& gen, std::int64_t numBuckets)
{
    constexpr double kNeighbourLogit = 6.0; // ~97 % of a head's attention on its neighbour in a caption
    auto bias = torch::randn(sizes, gen, torch::kFloat32) / std::sqrt(2.0 * double(numBuckets));
    const std::int64_t heads = sizes[1];
    const std::int64_t half = numBuckets / 2;
    for (std::int64_t h = 0; h < heads; ++h) {
        const std::int64_t distance = std::min<std::int64_t>(1 + h / 2, half / 2 - 1);
        const std::int64_t bucket = h % 2 == 0 ? distance : half + distance;
        bias[bucket][h] += kNeighbourLogit;
    }
    return bias;
}

void initT5(text::T5EncoderImpl& model, std::uint64_t seed)
{
    torch::NoGradGuard noGrad;
    auto gen = generatorFor(seed);
    const auto& c = model.config();
    for (auto& [name, p] : namedParams(model)) {
        torch::Tensor value;
        if (contains(name, "norm"))
            value = torch::ones(p.sizes());
        else if (name == "token_embedding.weight")
            value = torch::randn(p.sizes(), gen, torch::kFloat32);
        else if (contains(name, "pos_embedding"))
            value = localPositionBias(p.sizes(), gen, c.numBuckets);
        else if (endsWith(name, "attn.q.weight"))
            value = torch::randn(p.sizes(), gen, torch::kFloat32) / std::sqrt(double(c.dim * c.dimAttn));
        else
            value = torch::randn(p.sizes(), gen, torch::kFloat32) / std::sqrt(double(p.size(1)));
        p.copy_(value.to(p.scalar_type()));
    }
}

struct VaeOutput
{
    torch::Tensor recon;  // [B, 3, T, H, W]
    torch::Tensor mu;     // [B, zDim, T', h, w]
    torch::Tensor logVar; // same
};

// The official chunked path with autograd: encoder chunks of 1, 4, 4, ... frames, conv1, a posterior sample,
// conv2, decoder one latent frame at a time, each with its causal cache.
VaeOutput vaeForward(vae::VaeModelImpl& model, const torch::Tensor& video, torch::Generator* noise)
{
    // video: [B, 3, T, H, W] -> recon [B, 3, T, H, W]
    const int64_t frames = video.size(2);
    const int64_t z = model.arch.zDim;
    vae::FeatureCache encodeCache;
    std::vector<torch::Tensor> parts;
    for (int64_t i = 0; i < 1 + (frames - 1) / 4; ++i) {
        encodeCache.beginChunk();
        parts.push_back(model.encoder->forward(
            i == 0 ? video.narrow(2, 0, 1) : video.narrow(2, 1 + 4 * (i - 1), 4), encodeCache));
    }
    const auto stats = model.conv1->forward(torch::cat(parts, 2));
    VaeOutput out;
    out.mu = stats.narrow(1, 0, z);
    out.logVar = stats.narrow(1, z, z).clamp(-30.0, 20.0);
    torch::Tensor latent = out.mu;
    if (noise)
        latent =
            out.mu + torch::exp(0.5 * out.logVar) * torch::randn(out.mu.sizes(), *noise, torch::kFloat32);
    const auto x = model.conv2->forward(latent);
    vae::FeatureCache decodeCache;
    parts.clear();
    for (int64_t i = 0; i < x.size(2); ++i) {
        decodeCache.beginChunk();
        parts.push_back(model.decoder->forward(x.narrow(2, i, 1), decodeCache));
    }
    out.recon = torch::cat(parts, 2);
    return out;
}

double psnrOf(const torch::Tensor& a, const torch::Tensor& b)
{
    // Values in [-1, 1]: the [0, 1] range MSE is a quarter.
    const double mse = (a.clamp(-1.0, 1.0) - b).pow(2).mean().item<double>() / 4.0;
    return 10.0 * std::log10(1.0 / std::max(mse, 1e-12));
}

std::string configJson(const TrainOptions& o)
{
    std::ostringstream s;
    s << "{\n  \"_class_name\": \"WanModel\",\n  \"_diffusers_version\": \"0.30.0\",\n  \"dim\": " << o.ditDim
      << ",\n  \"eps\": 1e-06,\n  \"ffn_dim\": " << o.ditFfnDim << ",\n  \"freq_dim\": " << o.ditFreqDim
      << ",\n  \"in_dim\": 16,\n  \"model_type\": \"t2v\",\n  \"num_heads\": " << o.ditHeads
      << ",\n  \"num_layers\": " << o.ditLayers << ",\n  \"out_dim\": 16,\n  \"patch_size\": [1, "
      << o.ditPatch << ", " << o.ditPatch << "],\n  \"text_len\": " << o.ditTextLen << "\n}\n";
    return s.str();
}

} // namespace

struct DemoTrainer::Impl
{
    std::ofstream curves;
    std::unique_ptr<text::TextEncoder> textEncoder;
    std::map<std::pair<int, int>, torch::Tensor> contexts; // (training spec index, language) -> [L, dim]
    torch::Tensor negativeContext;

    void log(const std::string& line)
    {
        curves << line << '\n';
        curves.flush();
    }
};

DemoTrainer::DemoTrainer(TrainOptions options)
    : m_impl(std::make_unique<Impl>()), m_options(std::move(options))
{
    if (m_options.workDir.empty())
        throw std::invalid_argument("the trainer needs a work folder");
    fs::create_directories(m_options.workDir);
    if (m_options.threads > 0)
        at::set_num_threads(m_options.threads);
    else
        at::set_num_threads(int(std::max(1u, std::thread::hardware_concurrency())));
    m_impl->curves.open(curvesFile(), std::ios::app);
    if (!m_impl->curves)
        throw std::runtime_error("cannot write " + curvesFile().string());
}

DemoTrainer::~DemoTrainer() = default;

fs::path DemoTrainer::modelDir() const
{
    return m_options.exportDir.empty() ? m_options.workDir / "model" : m_options.exportDir;
}

torch::Tensor DemoTrainer::clipTensor(const Clip& clip)
{
    const auto bytes = torch::from_blob(const_cast<std::uint8_t*>(clip.rgb.data()),
                                        {kClipFrames, kClipHeight, kClipWidth, 3}, torch::kUInt8);
    return bytes.permute({3, 0, 1, 2}).to(torch::kFloat32).div(127.5).sub(1.0).contiguous();
}

std::map<std::string, torch::Tensor> DemoTrainer::readCheckpoint(const fs::path& file)
{
    std::map<std::string, torch::Tensor> out;
    for (const auto& [name, t] : io::loadSafetensors(file))
        out[name] = t.clone();
    return out;
}

void DemoTrainer::run()
{
    if (!m_options.textAndVaeFrom.empty()) {
        adoptTextAndVae();
    } else {
        prepareText();
        if (!trainVae().complete)
            return;
    }
    encodeLatents();
    fitLatentPreview();
    trainDit();
}

void DemoTrainer::writeDemoInfo() const
{
    DemoModelInfo info;
    info.width = kClipWidth;
    info.height = kClipHeight;
    info.frameNum = kClipFrames;
    info.steps = m_options.sampleSteps;
    info.shift = m_options.shift;
    info.guideScale = m_options.guideScale;
    // Captions of combinations it was trained on, alternately English and Chinese, each with another shape,
    // motion and pair of colours.
    const int shapeCount = int(shapes().size()), motionCount = int(motions().size());
    const int colourCount = int(palette().size());
    for (int i = 0; i < 4; ++i) {
        for (const ClipSpec& spec : trainingSpecs()) {
            if (spec.shape == i % shapeCount && spec.motion == (2 * i) % motionCount &&
                spec.foreground == (3 * i) % colourCount) {
                info.examplePrompts.push_back(
                    caption(spec, i % 2 == 0 ? Language::English : Language::Chinese));
                break;
            }
        }
    }
    writeFileAtomically(modelDir() / std::string(kDemoInfoFile), demoModelInfoJson(info));
}

void DemoTrainer::adoptTextAndVae()
{
    const fs::path from = m_options.textAndVaeFrom;
    const fs::path to = modelDir();
    for (const char* file : {officialFiles::kT5, officialFiles::kVae, officialFiles::kTokenizer})
        if (!fs::is_regular_file(from / file))
            throw std::runtime_error(
                (from / file).string() +
                " does not exist: --text-and-vae-from needs a finished demo model folder");
    fs::create_directories(to);
    // The tokenizer's folder whole (spiece.model and its JSON files), then the two weight files.
    const fs::path tokenizerDir = fs::path(officialFiles::kTokenizer).parent_path();
    fs::create_directories(to / tokenizerDir);
    fs::copy(from / tokenizerDir, to / tokenizerDir,
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    for (const char* file : {officialFiles::kT5, officialFiles::kVae})
        fs::copy_file(from / file, to / file, fs::copy_options::overwrite_existing);
    // The VAE's latent preview map belongs to the VAE.
    const fs::path preview(vae::kLatentPreviewFile);
    if (fs::is_regular_file(from / preview))
        fs::copy_file(from / preview, to / preview, fs::copy_options::overwrite_existing);
    spdlog::info("text encoder, tokenizer and VAE taken from {}", from.string());
}

void DemoTrainer::prepareText()
{
    const fs::path dir = modelDir();
    const fs::path spiece = dir / officialFiles::kTokenizer;
    const fs::path t5File = dir / officialFiles::kT5;
    if (fs::exists(spiece) && fs::exists(t5File))
        return;
    const auto start = Clock::now();
    // The corpus: every training caption in both languages, and the default negative prompt (the DiT's
    // unconditional input), so its characters get pieces of their own instead of bytes.
    const fs::path tokDir = m_options.workDir / "tokenizer";
    fs::create_directories(tokDir);
    std::string corpus;
    for (int repeat = 0; repeat < 4; ++repeat)
        for (const auto& spec : trainingSpecs())
            corpus += caption(spec, Language::English) + "\n" + caption(spec, Language::Chinese) + "\n";
    corpus += defaultNegativePrompt(Task::T2V) + "\n";
    writeFileAtomically(tokDir / "corpus.txt", corpus);
    SpmTrainOptions spm;
    spm.corpus = tokDir / "corpus.txt";
    spm.modelPrefix = tokDir / "spiece";
    for (const auto& word : captionWords())
        spm.userSymbols.push_back(word);
    trainSentencePiece(spm);
    fs::create_directories(spiece.parent_path());
    fs::copy_file(tokDir / "spiece.model", spiece, fs::copy_options::overwrite_existing);
    writeFileAtomically(
        spiece.parent_path() / "special_tokens_map.json",
        "{\n  \"eos_token\": \"</s>\",\n  \"pad_token\": \"<pad>\",\n  \"unk_token\": \"<unk>\"\n}\n");
    writeFileAtomically(
        spiece.parent_path() / "tokenizer_config.json",
        "{\n  \"tokenizer_class\": \"T5Tokenizer\",\n  \"eos_token\": \"</s>\",\n  \"pad_token\": "
        "\"<pad>\",\n  \"unk_token\": \"<unk>\",\n  \"extra_ids\": 0\n}\n");

    const text::Tokenizer tokenizer(spiece);
    text::T5Config config;
    config.vocab = tokenizer.vocabSize();
    config.dim = m_options.t5Dim;
    config.dimAttn = m_options.t5Dim;
    config.dimFfn = m_options.t5FfnDim;
    config.numHeads = m_options.t5Heads;
    config.numLayers = m_options.t5Layers;
    config.numBuckets = m_options.t5Buckets;
    text::T5Encoder t5(config, torch::kFloat32);
    initT5(*t5, m_options.seed);
    NamedTensors weights;
    for (const auto& [name, p] : namedParams(*t5))
        weights.emplace_back(name, p.detach().to(torch::kBFloat16));
    writePth(t5File, weights);
    const auto ids = tokenizer.encode(defaultNegativePrompt(Task::T2V));
    spdlog::info("tokenizer: {} pieces; negative prompt {} tokens; umT5 {} layers x {} written in {:.1f} s",
                 tokenizer.vocabSize(), ids.size(), config.numLayers, config.dim, secondsSince(start));
    m_impl->log("text\tpieces\t" + std::to_string(tokenizer.vocabSize()) + "\tnegative_tokens\t" +
                std::to_string(ids.size()));
}

PhaseResult DemoTrainer::trainVae()
{
    const auto& o = m_options;
    const fs::path vaeFile = modelDir() / officialFiles::kVae;
    PhaseResult result;
    vae::VaeArch arch;
    arch.dim = o.vaeDim;
    vae::VaeModel model(arch);
    initVae(*model, mixSeed(o.seed, kVaeSalt));
    const auto params = namedParams(*model);
    AdamW adam(params, 0.0);
    int step = 0;
    if (fs::exists(vaeCheckpoint())) {
        const auto state = io::loadSafetensors(vaeCheckpoint());
        torch::NoGradGuard noGrad;
        for (const auto& [name, p] : params)
            p.copy_(AdamW::require(state, "p." + name, vaeCheckpoint()));
        adam.load(state, vaeCheckpoint());
        step = int(AdamW::require(state, "step", vaeCheckpoint()).item<float>());
    }
    result.startStep = step;
    if (step >= o.vaeSteps && fs::exists(vaeFile)) {
        result.endStep = step;
        result.complete = true;
        return result;
    }

    // Fixed evaluation clips (training combinations, seeds never used for training).
    std::vector<torch::Tensor> evalClips;
    for (int i = 0; i < std::max(1, o.vaeEvalClips); ++i) {
        const auto& specs = trainingSpecs();
        const auto seed = mixSeed(o.seed ^ kEvalSalt, std::uint64_t(i));
        evalClips.push_back(clipTensor(renderClip(specs[seed % specs.size()], seed)));
    }
    const auto evalBatch = torch::stack(evalClips);
    auto evaluate = [&] {
        torch::NoGradGuard noGrad;
        return psnrOf(vaeForward(*model, evalBatch, nullptr).recon, evalBatch);
    };
    result.evalBefore = evaluate();

    auto save = [&] {
        NamedTensors state;
        for (const auto& [name, p] : params)
            state.emplace_back("p." + name, p.detach());
        adam.save(state);
        state.emplace_back("step", torch::tensor({float(step)}));
        writeSafetensors(vaeCheckpoint(), state, {{"phase", "vae"}, {"step", std::to_string(step)}});
    };

    const int stopAt = o.vaeStopStep >= 0 ? std::min(o.vaeStopStep, o.vaeSteps) : o.vaeSteps;
    auto lastSave = Clock::now();
    const auto start = Clock::now();
    double lossSum = 0.0, psnrSum = 0.0;
    int window = 0;
    while (step < stopAt) {
        std::vector<torch::Tensor> videos, weights;
        for (int b = 0; b < o.vaeBatch; ++b) {
            const auto seed = mixSeed(o.seed ^ kVaeSalt, std::uint64_t(step) * 1024 + std::uint64_t(b));
            const auto& specs = trainingSpecs();
            const Clip clip = renderClip(specs[seed % specs.size()], seed);
            videos.push_back(clipTensor(clip));
            const auto mask = torch::from_blob(const_cast<std::uint8_t*>(clip.foregroundMask.data()),
                                               {1, kClipFrames, kClipHeight, kClipWidth}, torch::kUInt8)
                                  .to(torch::kFloat32);
            weights.push_back(1.0 + (o.foregroundWeight - 1.0) * mask);
        }
        const auto x = torch::stack(videos);
        const auto w = torch::stack(weights);
        auto noise = generatorFor(mixSeed(o.seed ^ kVaeSalt ^ 0xABCDull, std::uint64_t(step)));
        const auto out = vaeForward(*model, x, &noise);
        const auto diff = out.recon - x;
        const auto recon = ((diff.pow(2) + 0.1 * diff.abs()) * w).mean() / w.mean();
        const auto kl = 0.5 * (out.mu.pow(2) + out.logVar.exp() - 1.0 - out.logVar).mean();
        const auto loss = recon + 1e-6 * kl;
        adam.zeroGrad();
        loss.backward();
        adam.clipGradNorm(kGradClip);
        adam.step(learningRate(o.vaeLr, o.vaeWarmup, o.vaeSteps, step));
        ++step;
        lossSum += loss.item<double>();
        psnrSum += psnrOf(out.recon.detach(), x);
        ++window;
        if (step % o.logEverySteps == 0 || step == stopAt) {
            spdlog::info("vae step {}/{}: loss {:.5f}, train PSNR {:.2f} dB, {:.2f} s/step", step, o.vaeSteps,
                         lossSum / window, psnrSum / window, secondsSince(start) / (step - result.startStep));
            std::ostringstream line;
            line << "vae\t" << step << "\tloss\t" << lossSum / window << "\tpsnr\t" << psnrSum / window;
            m_impl->log(line.str());
            lossSum = psnrSum = 0.0;
            window = 0;
        }
        if (secondsSince(lastSave) > o.checkpointSeconds) {
            save();
            lastSave = Clock::now();
        }
    }
    save();
    result.endStep = step;
    result.secondsPerStep = step > result.startStep ? secondsSince(start) / (step - result.startStep) : 0.0;
    result.evalAfter = evaluate();
    {
        std::ostringstream line;
        line << "vae\t" << step << "\teval_psnr\t" << result.evalAfter;
        m_impl->log(line.str());
    }
    spdlog::info("vae: eval PSNR {:.2f} dB -> {:.2f} dB (steps {} -> {})", result.evalBefore,
                 result.evalAfter, result.startStep, step);
    if (step < o.vaeSteps)
        return result;

    // Fold a per-channel affine into conv1 (mu half) and conv2 so that the posterior means of training clips
    // have the official wrapper's mean and std: the engine normalises with those constants.
    {
        torch::NoGradGuard noGrad;
        std::vector<torch::Tensor> mus;
        for (int i = 0; i < std::max(2, o.foldClips); i += 4) {
            std::vector<torch::Tensor> clips;
            for (int b = i; b < std::min(std::max(2, o.foldClips), i + 4); ++b) {
                const auto seed = mixSeed(o.seed ^ kLatentSalt ^ 0xF01Dull, std::uint64_t(b));
                const auto& specs = trainingSpecs();
                clips.push_back(clipTensor(renderClip(specs[seed % specs.size()], seed)));
            }
            mus.push_back(vaeForward(*model, torch::stack(clips), nullptr).mu);
        }
        const auto mu = torch::cat(mus, 0).transpose(0, 1).reshape({arch.zDim, -1}).to(torch::kFloat64);
        const auto m = mu.mean(1);
        const auto s = mu.std(1).clamp_min(1e-4);
        const auto& meanArr = vae::latentMean();
        const auto& stdArr = vae::latentStd();
        const auto offMean =
            torch::tensor(std::vector<double>(meanArr.begin(), meanArr.end()), torch::kFloat64);
        const auto offStd = torch::tensor(std::vector<double>(stdArr.begin(), stdArr.end()), torch::kFloat64);
        const auto a = offStd / s;
        const auto b = offMean - a * m;
        const int64_t z = arch.zDim;
        auto w1 = model->conv1->weight.narrow(0, 0, z);
        auto b1 = model->conv1->bias.narrow(0, 0, z);
        w1.copy_((w1.to(torch::kFloat64) * a.view({z, 1, 1, 1, 1})).to(torch::kFloat32));
        b1.copy_((b1.to(torch::kFloat64) * a + b).to(torch::kFloat32));
        auto& w2 = model->conv2->weight;
        auto& b2 = model->conv2->bias;
        const auto w2d = w2.to(torch::kFloat64).view({z, z});
        b2.copy_((b2.to(torch::kFloat64) - torch::matmul(w2d, b / a)).to(torch::kFloat32));
        w2.copy_((w2d / a.view({1, z})).view(w2.sizes()).to(torch::kFloat32));
        spdlog::info("vae: latent affine folded (raw mu std {:.3f}..{:.3f})", s.min().item<double>(),
                     s.max().item<double>());
    }
    NamedTensors weights;
    for (const auto& [name, p] : namedParams(*model))
        weights.emplace_back(name, p.detach());
    fs::create_directories(modelDir());
    writePth(vaeFile, weights);

    // The exported file through the engine's own loader and chunked encode/decode.
    const auto engineVae = vae::WanVae::load(vaeFile, torch::kFloat32, torch::kCPU);
    double enginePsnr = 0.0;
    for (const auto& clip : evalClips)
        enginePsnr += psnrOf(engineVae->decode(engineVae->encode(clip)), clip) / double(evalClips.size());
    spdlog::info("vae: {} written; engine round trip PSNR {:.2f} dB", vaeFile.string(), enginePsnr);
    std::ostringstream line;
    line << "vae\t" << step << "\tengine_psnr\t" << enginePsnr;
    m_impl->log(line.str());
    result.complete = true;
    return result;
}

namespace {

// The i-th clip of the latent set: encodeLatents() renders it, trainDit() renders it again for its mask.
std::uint64_t latentClipSeed(std::uint64_t seed, int i)
{
    return mixSeed(seed ^ kLatentSalt, std::uint64_t(i));
}

// Pixels [C, T, H, W] on the latent grid [C, F', h, w]: frame 0 alone, then groups of the VAE's temporal
// stride (4), over cells of (H/h) x (W/w) pixels. `any`: the maximum (a mask: covered anywhere in the cell
// and its frames), else the mean (colours).
torch::Tensor onLatentGrid(const torch::Tensor& x, int64_t frames, int64_t h, int64_t w, bool any)
{
    const int64_t c = x.size(0), t = x.size(1), height = x.size(2), width = x.size(3);
    const auto rest = x.narrow(1, 1, t - 1).reshape({c, frames - 1, (t - 1) / (frames - 1), height, width});
    const auto grouped = torch::cat({x.narrow(1, 0, 1), any ? rest.amax(2) : rest.mean(2)}, 1);
    const auto cells = grouped.reshape({c, frames, h, height / h, w, width / w});
    return any ? cells.amax({3, 5}) : cells.mean({3, 5});
}

// The clip's foreground on the latent grid, [1, F', h, w]: 1 where the shape covers any pixel of the cell in
// the frames the latent frame stands for.
torch::Tensor latentForegroundMask(const Clip& clip, int64_t frames, int64_t h, int64_t w)
{
    const auto mask = torch::from_blob(const_cast<std::uint8_t*>(clip.foregroundMask.data()),
                                       {1, kClipFrames, kClipHeight, kClipWidth}, torch::kUInt8)
                          .to(torch::kFloat32);
    return onLatentGrid(mask, frames, h, w, true);
}

} // namespace

void DemoTrainer::encodeLatents()
{
    if (fs::exists(latentsFile()))
        return;
    const auto start = Clock::now();
    const auto engineVae = vae::WanVae::load(modelDir() / officialFiles::kVae, torch::kFloat32, torch::kCPU);
    const auto& specs = trainingSpecs();
    std::vector<torch::Tensor> latents;
    std::vector<float> specIndex;
    for (int i = 0; i < m_options.latentClips; ++i) {
        const auto seed = latentClipSeed(m_options.seed, i);
        // Every combination equally often, the order shuffled by the seed.
        const size_t index = size_t(i) % specs.size();
        latents.push_back(engineVae->encode(clipTensor(renderClip(specs[index], seed))));
        specIndex.push_back(float(index));
    }
    const auto all = torch::stack(latents);
    writeSafetensors(latentsFile(), {{"latents", all}, {"spec_index", torch::tensor(specIndex)}});
    spdlog::info("latents: {} clips encoded in {:.1f} s; per-channel std {:.3f}..{:.3f}", latents.size(),
                 secondsSince(start), all.transpose(0, 1).reshape({16, -1}).std(1).min().item<double>(),
                 all.transpose(0, 1).reshape({16, -1}).std(1).max().item<double>());
}

void DemoTrainer::fitLatentPreview()
{
    const fs::path file = modelDir() / fs::path(vae::kLatentPreviewFile);
    if (fs::exists(file) || !fs::exists(latentsFile()))
        return;
    // Least squares from the normalised latents to the clips' colours on the latent grid (frame 0 alone,
    // then the mean of each group of 4 frames; the mean of each 8x8 block): the live preview's map.
    const auto data = io::loadSafetensors(latentsFile());
    const auto latents = AdamW::require(data, "latents", latentsFile());
    const auto specIndex = AdamW::require(data, "spec_index", latentsFile()).to(torch::kInt64);
    const int64_t count = std::min<int64_t>(latents.size(0), 800);
    const int64_t frames = latents.size(2), h = latents.size(3), w = latents.size(4);
    std::vector<torch::Tensor> targets;
    for (int64_t i = 0; i < count; ++i) {
        const auto& spec = trainingSpecs().at(size_t(specIndex[i].item<int64_t>()));
        const auto video = clipTensor(renderClip(spec, latentClipSeed(m_options.seed, int(i))));
        targets.push_back(onLatentGrid(video, frames, h, w, false)); // [3, F, h, w]
    }
    const auto y = torch::stack(targets).permute({0, 2, 3, 4, 1}).reshape({-1, 3}).to(torch::kFloat64);
    const auto z = latents.narrow(0, 0, count).permute({0, 2, 3, 4, 1}).reshape({-1, 16}).to(torch::kFloat64);
    const auto x = torch::cat({z, torch::ones({z.size(0), 1}, torch::kFloat64)}, 1);
    const auto gram = x.t().matmul(x) + 1e-6 * torch::eye(17, torch::kFloat64);
    const auto solution = torch::linalg_solve(gram, x.t().matmul(y)); // [17, 3]
    vae::LatentRgbProjection projection;
    for (int c = 0; c < 16; ++c)
        for (int k = 0; k < 3; ++k)
            projection.factors[size_t(c)][size_t(k)] = float(solution[c][k].item<double>());
    for (int k = 0; k < 3; ++k)
        projection.bias[size_t(k)] = float(solution[16][k].item<double>());
    const double fitted = (x.matmul(solution) - y).abs().mean().item<double>() * 127.5;
    writeFileAtomically(file, vae::latentRgbProjectionJson(projection));
    spdlog::info("latent preview: {} written; mean error {:.1f} of 255 levels over {} clips", file.string(),
                 fitted, count);
    std::ostringstream line;
    line << "preview\t0\tmean_abs_levels\t" << fitted;
    m_impl->log(line.str());
}

PhaseResult DemoTrainer::trainDit()
{
    const auto& o = m_options;
    PhaseResult result;
    const fs::path ditFile = modelDir() / officialFiles::kDit;

    dit::WanConfig config;
    config.dim = o.ditDim;
    config.ffnDim = o.ditFfnDim;
    config.freqDim = o.ditFreqDim;
    config.numHeads = o.ditHeads;
    config.numLayers = o.ditLayers;
    config.textLen = o.ditTextLen;
    config.textDim = o.t5Dim;
    config.patchSize = {1, o.ditPatch, o.ditPatch};
    auto model = std::make_shared<dit::WanModel>(config);
    initDit(*model, mixSeed(o.seed, kDitSalt));
    model->setGradEnabled(true);
    const auto params = namedParams(*model);
    std::vector<torch::Tensor> ema;
    for (const auto& [name, p] : params)
        ema.push_back(p.detach().clone());
    AdamW adam(params, 0.01);
    int step = 0;
    if (fs::exists(ditCheckpoint())) {
        const auto state = io::loadSafetensors(ditCheckpoint());
        torch::NoGradGuard noGrad;
        for (size_t i = 0; i < params.size(); ++i) {
            params[i].second.copy_(AdamW::require(state, "p." + params[i].first, ditCheckpoint()));
            ema[i].copy_(AdamW::require(state, "ema." + params[i].first, ditCheckpoint()));
        }
        adam.load(state, ditCheckpoint());
        step = int(AdamW::require(state, "step", ditCheckpoint()).item<float>());
    }
    result.startStep = step;
    if (step >= o.ditSteps && fs::exists(ditFile)) {
        result.endStep = step;
        result.complete = true;
        return result;
    }

    const auto data = io::loadSafetensors(latentsFile());
    const auto latents = AdamW::require(data, "latents", latentsFile()).clone();
    const auto specIndex = AdamW::require(data, "spec_index", latentsFile()).to(torch::kInt64).clone();
    const int64_t count = latents.size(0);
    const int64_t seqLen = latents.size(2) * latents.size(3) * latents.size(4) / (o.ditPatch * o.ditPatch);
    // Loss weight per latent cell: the shape's cells count ditForegroundWeight times a background cell, so
    // the few cells that carry the caption's shape and motion are not outweighed by the plain background.
    torch::Tensor cellWeights;
    if (o.ditForegroundWeight != 1.0) {
        const auto& specs = trainingSpecs();
        std::vector<torch::Tensor> masks;
        for (int64_t i = 0; i < count; ++i) {
            const auto spec = specs.at(size_t(specIndex[i].item<int64_t>()));
            masks.push_back(latentForegroundMask(renderClip(spec, latentClipSeed(o.seed, int(i))),
                                                 latents.size(2), latents.size(3), latents.size(4)));
        }
        const auto covered = torch::stack(masks);
        cellWeights = 1.0 + (o.ditForegroundWeight - 1.0) * covered;
        spdlog::info("dit: foreground weight {} on {:.1f} % of the latent cells", o.ditForegroundWeight,
                     100.0 * covered.mean().item<double>());
    }

    // Frozen text encoder: the exported files through the engine's loader; contexts computed once per
    // caption.
    if (!m_impl->textEncoder) {
        text::TextEncoder::Options textOptions;
        textOptions.weightDtype = torch::kFloat32;
        m_impl->textEncoder = text::TextEncoder::load(modelDir(), textOptions);
        // clone(): outputs of inference mode cannot be saved for backward.
        m_impl->negativeContext = m_impl->textEncoder->encode({defaultNegativePrompt(Task::T2V)})[0].clone();
    }
    auto context = [&](int spec, int language) {
        const auto key = std::make_pair(spec, language);
        auto it = m_impl->contexts.find(key);
        if (it == m_impl->contexts.end()) {
            const auto text =
                caption(trainingSpecs()[size_t(spec)], language == 0 ? Language::English : Language::Chinese);
            it = m_impl->contexts.emplace(key, m_impl->textEncoder->encode({text})[0].clone()).first;
        }
        return it->second;
    };

    struct Batch
    {
        std::vector<torch::Tensor> noisy, contexts;
        torch::Tensor t, target, sigma, weight; // weight: [B, 1, F', H', W'] or undefined
    };
    auto makeBatch = [&](std::uint64_t seed, int size, bool dropout) {
        Batch batch;
        auto gen = generatorFor(seed);
        const auto u = torch::rand({size}, gen, torch::kFloat64);
        batch.sigma = (o.shift * u / (1.0 + (o.shift - 1.0) * u)).to(torch::kFloat32);
        std::vector<torch::Tensor> targets, weights;
        for (int b = 0; b < size; ++b) {
            const auto pick = mixSeed(seed, std::uint64_t(b));
            const int64_t index = int64_t(pick % std::uint64_t(count));
            const auto x0 = latents[index];
            const auto eps = torch::randn(x0.sizes(), gen, torch::kFloat32);
            const double sigma = batch.sigma[b].item<double>();
            batch.noisy.push_back((1.0 - sigma) * x0 + sigma * eps);
            targets.push_back(eps - x0);
            if (cellWeights.defined())
                weights.push_back(cellWeights[index]);
            const bool drop = dropout && double((pick >> 20) % 10000) / 10000.0 < o.captionDropout;
            batch.contexts.push_back(
                drop ? m_impl->negativeContext
                     : context(int(specIndex[index].item<int64_t>()), int((pick >> 40) & 1)));
        }
        batch.target = torch::stack(targets);
        if (!weights.empty())
            batch.weight = torch::stack(weights);
        batch.t = batch.sigma * 1000.0;
        return batch;
    };
    const Batch evalBatch = makeBatch(mixSeed(o.seed ^ kEvalSalt, 1), kDitEvalSamples, false);
    auto evaluate = [&](bool useEma) {
        torch::NoGradGuard noGrad;
        std::vector<torch::Tensor> saved;
        if (useEma)
            for (size_t i = 0; i < params.size(); ++i) {
                saved.push_back(params[i].second.detach().clone());
                params[i].second.copy_(ema[i]);
            }
        const auto out =
            torch::stack(model->forward(evalBatch.noisy, evalBatch.t, evalBatch.contexts, seqLen));
        const double loss = (out - evalBatch.target).pow(2).mean().item<double>();
        for (size_t i = 0; i < saved.size(); ++i)
            params[i].second.copy_(saved[i]);
        return loss;
    };
    result.evalBefore = evaluate(false);

    auto save = [&] {
        NamedTensors state;
        for (size_t i = 0; i < params.size(); ++i) {
            state.emplace_back("p." + params[i].first, params[i].second.detach());
            state.emplace_back("ema." + params[i].first, ema[i]);
        }
        adam.save(state);
        state.emplace_back("step", torch::tensor({float(step)}));
        writeSafetensors(ditCheckpoint(), state, {{"phase", "dit"}, {"step", std::to_string(step)}});
    };

    constexpr int kBins = 4;
    std::array<double, kBins> binLoss{};
    std::array<int, kBins> binCount{};
    double lossSum = 0.0;
    int window = 0;
    const int stopAt = o.ditStopStep >= 0 ? std::min(o.ditStopStep, o.ditSteps) : o.ditSteps;
    auto lastSave = Clock::now();
    const auto start = Clock::now();
    while (step < stopAt) {
        const Batch batch = makeBatch(mixSeed(o.seed ^ kDitSalt, std::uint64_t(step)), o.ditBatch, true);
        const auto out = torch::stack(model->forward(batch.noisy, batch.t, batch.contexts, seqLen));
        const auto squared = (out - batch.target).pow(2);
        const auto perSample = batch.weight.defined() ? (squared * batch.weight).mean({1, 2, 3, 4}) /
                                                            batch.weight.mean({1, 2, 3, 4})
                                                      : squared.mean({1, 2, 3, 4});
        const auto loss = perSample.mean();
        adam.zeroGrad();
        loss.backward();
        adam.clipGradNorm(kGradClip);
        adam.step(learningRate(o.ditLr, o.ditWarmup, o.ditSteps, step));
        ++step;
        {
            torch::NoGradGuard noGrad;
            // EMA with a warm-up (short runs still get a useful average).
            const double decay = std::min(o.emaDecay, (1.0 + step) / (10.0 + step));
            for (size_t i = 0; i < params.size(); ++i)
                ema[i].mul_(decay).add_(params[i].second.detach(), 1.0 - decay);
        }
        const auto losses = perSample.detach();
        for (int b = 0; b < o.ditBatch; ++b) {
            const int bin = std::min(kBins - 1, int(batch.sigma[b].item<double>() * kBins));
            binLoss[size_t(bin)] += losses[b].item<double>();
            ++binCount[size_t(bin)];
        }
        lossSum += loss.item<double>();
        ++window;
        if (step % o.logEverySteps == 0 || step == stopAt) {
            std::ostringstream line;
            line << "dit\t" << step << "\tloss\t" << lossSum / window;
            std::string bins;
            for (int k = 0; k < kBins; ++k) {
                const double v = binCount[size_t(k)] ? binLoss[size_t(k)] / binCount[size_t(k)] : 0.0;
                line << "\tsigma" << k << "\t" << v;
                bins += fmt::format(" {:.4f}", v);
            }
            m_impl->log(line.str());
            spdlog::info("dit step {}/{}: loss {:.4f}, by sigma quarter{}, {:.2f} s/step", step, o.ditSteps,
                         lossSum / window, bins, secondsSince(start) / (step - result.startStep));
            binLoss.fill(0.0);
            binCount.fill(0);
            lossSum = 0.0;
            window = 0;
        }
        if (secondsSince(lastSave) > o.checkpointSeconds) {
            save();
            lastSave = Clock::now();
        }
    }
    save();
    result.endStep = step;
    result.secondsPerStep = step > result.startStep ? secondsSince(start) / (step - result.startStep) : 0.0;
    result.evalAfter = evaluate(true);
    {
        std::ostringstream line;
        line << "dit\t" << step << "\teval_loss_ema\t" << result.evalAfter;
        m_impl->log(line.str());
    }
    spdlog::info("dit: eval loss {:.4f} -> {:.4f} (EMA; steps {} -> {})", result.evalBefore, result.evalAfter,
                 result.startStep, step);
    if (step < o.ditSteps)
        return result;

    NamedTensors weights;
    for (size_t i = 0; i < params.size(); ++i)
        weights.emplace_back(params[i].first, ema[i]);
    writeSafetensors(ditFile, weights);
    writeFileAtomically(modelDir() / officialFiles::kDitConfig, configJson(o));
    writeDemoInfo();
    spdlog::info("dit: {}, config.json and {} written", ditFile.string(), kDemoInfoFile);
    result.complete = true;
    return result;
}

} // namespace wan::demo
