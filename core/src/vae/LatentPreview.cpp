#include "vae/LatentPreview.h"

#include "vae/WanVae.h"
#include "wan/Error.h"

#include <sstream>

namespace wan::vae {

namespace {

// [channel][R, G, B]; ComfyUI comfy/latent_formats.py, Wan21.latent_rgb_factors and its bias.
constexpr float kRgbFactors[16][3] = {
    {-0.1299f, -0.1692f, 0.2932f},  {0.0671f, 0.0406f, 0.0442f},  {0.3568f, 0.2548f, 0.1747f},
    {0.0372f, 0.2344f, 0.1420f},    {0.0313f, 0.0189f, -0.0328f}, {0.0296f, -0.0956f, -0.0665f},
    {-0.3477f, -0.4059f, -0.2925f}, {0.0166f, 0.1902f, 0.1975f},  {-0.0412f, 0.0267f, -0.1364f},
    {-0.1293f, 0.0740f, 0.1636f},   {0.0680f, 0.3019f, 0.1128f},  {0.0032f, 0.0581f, 0.0639f},
    {-0.1251f, 0.0927f, 0.1699f},   {0.0060f, -0.0633f, 0.0005f}, {0.3477f, 0.2275f, 0.2950f},
    {0.1984f, 0.0913f, 0.1861f},
};
constexpr float kRgbBias[3] = {-0.1835f, -0.0868f, -0.3360f};

} // namespace

torch::Tensor latentToRgb(const torch::Tensor& latent, LatentSpace space)
{
    // latent: [16, T, h, w] -> uint8 [T, h, w, 3]
    if (!latent.defined() || latent.dim() != 4 || latent.size(0) != 16 || !latent.is_floating_point()) {
        std::ostringstream os;
        if (latent.defined())
            os << latent.sizes();
        throw Error(ErrorKind::InvalidArgument,
                    "latent preview expects a floating Wan2.1 latent [16, T, h, w], got " + os.str());
    }
    torch::NoGradGuard noGrad;
    torch::Tensor z = latent.detach().to(torch::kCPU, torch::kFloat32);
    if (space == LatentSpace::Raw) {
        const auto& mean = latentMean();
        const auto& stdev = latentStd();
        z = (z - torch::tensor(std::vector<float>(mean.begin(), mean.end())).view({16, 1, 1, 1})) /
            torch::tensor(std::vector<float>(stdev.begin(), stdev.end())).view({16, 1, 1, 1});
    }
    const torch::Tensor factors =
        torch::from_blob(const_cast<float*>(&kRgbFactors[0][0]), {16, 3}, torch::kFloat32);
    const torch::Tensor bias = torch::from_blob(const_cast<float*>(kRgbBias), {3}, torch::kFloat32);
    // [T, h, w, 16] x [16, 3] -> [T, h, w, 3] in about [-1, 1]
    torch::Tensor rgb = torch::matmul(z.permute({1, 2, 3, 0}), factors).add_(bias);
    rgb = rgb.add_(1.0).mul_(127.5).round_().clamp_(0.0, 255.0);
    return torch::nan_to_num(rgb, 0.0).to(torch::kUInt8).contiguous();
}

} // namespace wan::vae
