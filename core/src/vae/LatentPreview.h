#pragma once
// A cheap look at Wan2.1 latents while denoising: a 16 -> 3 linear map, no VAE. The map is ComfyUI's for the
// official VAE; a VAE whose folder holds latent_preview.json (the built-in demo model's, fitted by wan-train
// on its own latents) brings its own.

#include <torch/torch.h>

#include <array>
#include <filesystem>
#include <optional>
#include <string_view>

namespace wan::vae {

// What the latent passed to latentToRgb holds.
enum class LatentSpace
{
    Normalised = 1, // (mu - mean) / std, as the DiT sees and produces it (the pipeline's latents)
    Raw,            // the VAE posterior mean before normalisation
};

// rgb = latent . factors + bias per latent cell, in [-1, 1], on normalised latents.
struct LatentRgbProjection
{
    std::array<std::array<float, 3>, 16> factors{}; // [channel][R, G, B]
    std::array<float, 3> bias{};
};

// Beside a VAE file: its own projection, {"rgb_factors": [[r, g, b] x 16], "rgb_bias": [r, g, b]}.
inline constexpr std::string_view kLatentPreviewFile = "latent_preview.json";

// The projection in `folder`'s latent_preview.json; nullopt when there is none. Throws
// wan::Error(ModelFolder) naming the file when it is unreadable, malformed or not finite.
std::optional<LatentRgbProjection> readLatentRgbProjection(const std::filesystem::path& folder);
// The file's text for `projection` (what readLatentRgbProjection reads back).
std::string latentRgbProjectionJson(const LatentRgbProjection& projection);

// latent: [16, T, h, w] -> uint8 [T, h, w, 3] RGB, one picture per latent frame at latent resolution.
// Uses `projection`, or else the Wan 2.1 latent-to-RGB factors that ComfyUI ships (fitted on normalised
// latents, so Raw input is normalised first). Throws wan::Error(InvalidArgument) on a wrong shape.
torch::Tensor latentToRgb(const torch::Tensor& latent, LatentSpace space = LatentSpace::Normalised,
                          const LatentRgbProjection* projection = nullptr);

} // namespace wan::vae
