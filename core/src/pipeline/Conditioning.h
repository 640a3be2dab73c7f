#pragma once
// The conditioning inputs of the first-last-frame (FLF2V) and VACE tasks, as the official
// wan/first_last_frame2video.py and wan/vace.py build them: pixels in, tensors for the VAE and the DiT out.

#include "pipeline/Geometry.h"
#include "wan/Pipeline.h"

#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace wan::pipeline {

// What the conditioning needs from the engine's models, and where intermediate tensors are reported.
struct ConditioningHooks
{
    std::function<torch::Tensor(const torch::Tensor&)> vaeEncode; // [3, T, H, W] -> [z, T', H/8, W/8]
    std::function<torch::Tensor(const std::vector<torch::Tensor>&)> clipEncode; // N x [3, H, W] -> [N, L, d]
    std::function<void(const char* name, const torch::Tensor&)> emit;
    Patch patch; // the DiT's, for the token count and the official size rounding
};

// --- first-last-frame-to-video
// ------------------------------------------------------------------------------

// The official fit of a last frame whose size differs from the first's: r = max(Wf/Wl, Hf/Hl) and the size
// [round(Wl*r), round(Hl*r)] go to TF.center_crop, which reads that list as (height, width): the frame is
// cropped (or zero padded, 0 = mid grey) to height round(Wl*r) and width round(Hl*r), not resized.
// last: [3, Hl, Wl] -> [3, round(Wl*r), round(Hl*r)]; unchanged when the sizes are equal.
torch::Tensor fitLastFrame(const torch::Tensor& last, int firstWidth, int firstHeight);

// [4, latFrames, latH, latW] float32: the pixel-frame mask (1 on the first and the last frame) folded into
// 4 channels per latent frame, the first pixel frame counted 4 times.
torch::Tensor firstLastMask(const Geometry& g);

struct FirstLastConditioning
{
    Geometry geometry;
    torch::Tensor clipFea; // [2, tokens, clipDim]: first, last
    torch::Tensor y;       // [4 + z, latFrames, latH, latW]: mask, VAE latent
};

// Loads r.firstFrame / r.lastFrame (wan::Error(Image) naming an unreadable one) and builds the CLIP features
// and the conditioning latent; the geometry comes from the first frame's aspect ratio within
// r.width * r.height pixels. Emits "first", "last", "clip_fea", "vae_encode_input", "y".
FirstLastConditioning firstLastConditioning(const Request& r, const ConditioningHooks& hooks);

// --- VACE
// ---------------------------------------------------------------------------------------------------

// Frames of a video file (FFmpeg) or of a folder of PNG files sorted by name: [F, H, W, 3] uint8. `flag`
// names the input in messages. Throws wan::Error(InvalidArgument) naming the file that cannot be read.
torch::Tensor readFrames(const std::filesystem::path& path, const std::string& flag);

// The official VaceVideoProcessor.resize_crop on uint8 frames: scale by max(ow/iw, oh/ih) with antialiased
// bicubic to (round(s*ih), round(s*iw)), then center crop (floor offsets). [F, H, W, 3] -> [F, oh, ow, 3].
torch::Tensor resizeCropFrames(const torch::Tensor& frames, int outHeight, int outWidth);

// The source as WanVace.generate takes it.
struct VaceSource
{
    torch::Tensor video;             // [3, F, H, W] float32, u8 / 127.5 - 1
    torch::Tensor mask;              // [1, F, H, W] float32 in [0, 1] (1 = generate)
    std::vector<torch::Tensor> refs; // [3, 1, H, W] float32 in [-1, 1], fitted on a white canvas
    int width = 0, height = 0, frames = 0;
};

// Reads and checks r.srcVideo / r.srcMask / r.srcRefImages (or builds the blank canvas), resizing and
// trimming to r.width/r.height/r.frameNum where those are not 0. Throws wan::Error(InvalidArgument) naming
// the file.
VaceSource loadVaceSource(const Request& r);

// The official vace_encode_masks: [1, F, H, W] -> [64, refs + (F+3)/4, H/8, W/8]; channel = 8 * row offset +
// column offset within each 8x8 cell, nearest-exact in time, zero frames in front for the references.
torch::Tensor vaceMaskChannels(const torch::Tensor& mask, int refs);

struct VaceConditioning
{
    Geometry geometry;     // latFrames includes the reference frames; frames/height/width: the output video
    torch::Tensor context; // [2z + 64, latFrames, latH, latW]
    int refFrames = 0;     // leading latent frames that are reference images, dropped before decoding
};

// VAE-encodes the source (inactive and reactive parts apart), the references and the mask channels. Emits
// "vae_encode_inactive", "vae_encode_reactive", "latent_inactive", "latent_reactive", "latent_ref" (first
// reference), "vace_context".
VaceConditioning vaceConditioning(const VaceSource& source, const ConditioningHooks& hooks);

} // namespace wan::pipeline
