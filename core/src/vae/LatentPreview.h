#pragma once
// A cheap look at Wan2.1 latents while denoising: a fixed 16 -> 3 linear map, no VAE.

#include <torch/torch.h>

namespace wan::vae {

// What the latent passed to latentToRgb holds.
enum class LatentSpace
{
    Normalised = 1, // (mu - mean) / std, as the DiT sees and produces it (the pipeline's latents)
    Raw,            // the VAE posterior mean before normalisation
};

// latent: [16, T, h, w] -> uint8 [T, h, w, 3] RGB, one picture per latent frame at latent resolution.
// Uses the Wan 2.1 latent-to-RGB factors that ComfyUI ships (fitted on normalised latents, so Raw input is
// normalised first). Throws wan::Error(InvalidArgument) on a wrong shape.
torch::Tensor latentToRgb(const torch::Tensor& latent, LatentSpace space = LatentSpace::Normalised);

} // namespace wan::vae
