#pragma once
// The demo model's trainer: tokenizer, frozen random umT5, VAE, latent encoding, DiT, each phase resumable
// from checkpoints in a work folder, ending in an official-layout Wan2.1 T2V model folder.

#include "ClipRenderer.h"

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

namespace wan::demo {

struct TrainOptions
{
    std::filesystem::path workDir;   // checkpoints, latents, curves.tsv
    std::filesystem::path exportDir; // the model folder; empty: <workDir>/model
    std::uint64_t seed = 1;
    int threads = 0; // 0: all cores

    // Sizes (the feasibility study's).
    int t5Dim = 64, t5Layers = 2, t5Heads = 4, t5FfnDim = 256, t5Buckets = 32;
    int vaeDim = 12;
    int ditDim = 128, ditFfnDim = 512, ditHeads = 4, ditLayers = 4, ditFreqDim = 256, ditTextLen = 512;
    // The DiT's spatial patch in latent cells (the official models' 2). 1 gives a token per 8 px, so the
    // clips' motion (about 22 px over 9 frames) crosses tokens instead of staying inside one (4x the tokens).
    int ditPatch = 2;
    // A model folder whose tokenizer, text encoder and VAE are taken as they are (the text and VAE phases
    // skipped): trains another DiT for a finished model. Empty: train everything.
    std::filesystem::path textAndVaeFrom;

    int vaeSteps = 2500;
    int vaeBatch = 2;
    double vaeLr = 1e-3;
    int vaeWarmup = 100;
    double foregroundWeight = 4.0; // loss weight of shape pixels relative to the background
    int vaeStopStep = -1;          // end this sitting after this step (resumable); -1: vaeSteps
    int vaeEvalClips = 4;          // fixed clips for the PSNR before and after a sitting
    int foldClips = 64;            // clips whose posterior means set the folded latent affine

    int latentClips = 3000;

    int ditSteps = 14000;
    int ditBatch = 16;
    double ditLr = 1e-3;
    int ditWarmup = 200;
    double emaDecay = 0.998;
    // Loss weight of the latent cells the shape covers, relative to background cells (1: plain mean).
    double ditForegroundWeight = 1.0;
    double captionDropout = 0.1; // replaced by the official default negative prompt
    double shift = 3.0;          // sigma = shift*u / (1 + (shift-1)*u), as the sampler's shift
    int sampleSteps = 10;        // demo.json: the sampling settings front ends force
    double guideScale = 5.0;
    int ditStopStep = -1;

    int checkpointSeconds = 180;
    int logEverySteps = 25;
};

// What one sitting of a training phase did; eval losses are on a fixed batch (same for every sitting).
struct PhaseResult
{
    int startStep = 0;
    int endStep = 0;
    bool complete = false;
    double evalBefore = 0.0; // VAE: PSNR in dB; DiT: flow-matching loss
    double evalAfter = 0.0;
    double secondsPerStep = 0.0;
};

class DemoTrainer
{
public:
    explicit DemoTrainer(TrainOptions options);
    ~DemoTrainer();

    // Every phase in order, skipping those already complete; stops early at a stop step.
    void run();

    // Phase 1: SentencePiece model (caption words as user-defined pieces) and the frozen random umT5 (bf16),
    // written into the model folder.
    void prepareText();
    // Instead of phases 1 and 2: copies the tokenizer, text encoder and VAE of TrainOptions::textAndVaeFrom.
    void adoptTextAndVae();
    // Phase 2: VAE training; when complete, folds the latent affine and writes Wan2.1_VAE.pth.
    PhaseResult trainVae();
    // Phase 3: encodes latentClips training clips with the exported VAE through the engine's WanVae.
    void encodeLatents();
    // After phase 3: the VAE's latent-to-RGB map for the live preview (latent_preview.json in the model
    // folder), fitted on the encoded clips; kept when the folder already has one.
    void fitLatentPreview();
    // Phase 4: DiT training; when complete, writes the EMA weights and config.json.
    PhaseResult trainDit();

    // demo.json in the model folder: native size, frame count and sampling settings, example prompts.
    void writeDemoInfo() const;

    std::filesystem::path modelDir() const;
    std::filesystem::path vaeCheckpoint() const { return m_options.workDir / "vae.ckpt"; }
    std::filesystem::path ditCheckpoint() const { return m_options.workDir / "dit.ckpt"; }
    std::filesystem::path latentsFile() const { return m_options.workDir / "latents.safetensors"; }
    std::filesystem::path curvesFile() const { return m_options.workDir / "curves.tsv"; }

    // Every tensor of a checkpoint file (step, parameters, EMA, optimiser state) by name.
    static std::map<std::string, torch::Tensor> readCheckpoint(const std::filesystem::path& file);

    // Clip [T, H, W, 3] uint8 -> [3, T, H, W] float in [-1, 1].
    static torch::Tensor clipTensor(const Clip& clip);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    TrainOptions m_options;
};

} // namespace wan::demo
