#include "vae/LatentPreview.h"

#include "vae/WanVae.h"
#include "wan/Error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
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

std::optional<LatentRgbProjection> readLatentRgbProjection(const std::filesystem::path& folder)
{
    const auto file = folder / kLatentPreviewFile;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        return std::nullopt;
    const std::string fix = " Delete it to use the standard preview colours, or export the model again.";
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in && !in.eof())
        throw Error(ErrorKind::ModelFolder, "Cannot read " + file.string() + "." + fix);
    LatentRgbProjection projection;
    try {
        const auto json = nlohmann::json::parse(text.str());
        const auto& factors = json.at("rgb_factors");
        const auto& bias = json.at("rgb_bias");
        if (!factors.is_array() || factors.size() != 16 || !bias.is_array() || bias.size() != 3)
            throw std::invalid_argument("rgb_factors must hold 16 rows of 3, rgb_bias 3 numbers");
        for (std::size_t c = 0; c < 16; ++c) {
            if (!factors[c].is_array() || factors[c].size() != 3)
                throw std::invalid_argument("rgb_factors must hold 16 rows of 3");
            for (std::size_t k = 0; k < 3; ++k)
                projection.factors[c][k] = factors[c][k].get<float>();
        }
        for (std::size_t k = 0; k < 3; ++k)
            projection.bias[k] = bias[k].get<float>();
    } catch (const std::exception& e) {
        throw Error(ErrorKind::ModelFolder,
                    file.string() + " is not a valid latent preview description (" + e.what() + ")." + fix);
    }
    for (const auto& row : projection.factors)
        for (float v : row)
            if (!std::isfinite(v) || std::abs(v) > 1e3f)
                throw Error(ErrorKind::ModelFolder, file.string() + " holds a factor out of range." + fix);
    for (float v : projection.bias)
        if (!std::isfinite(v) || std::abs(v) > 1e3f)
            throw Error(ErrorKind::ModelFolder, file.string() + " holds a bias out of range." + fix);
    return projection;
}

std::string latentRgbProjectionJson(const LatentRgbProjection& projection)
{
    nlohmann::ordered_json json;
    json["rgb_factors"] = projection.factors;
    json["rgb_bias"] = projection.bias;
    return json.dump(2) + "\n";
}

torch::Tensor latentToRgb(const torch::Tensor& latent, LatentSpace space,
                          const LatentRgbProjection* projection)
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
        torch::from_blob(const_cast<float*>(projection ? projection->factors[0].data() : &kRgbFactors[0][0]),
                         {16, 3}, torch::kFloat32);
    const torch::Tensor bias = torch::from_blob(
        const_cast<float*>(projection ? projection->bias.data() : kRgbBias), {3}, torch::kFloat32);
    // [T, h, w, 16] x [16, 3] -> [T, h, w, 3] in about [-1, 1]
    torch::Tensor rgb = torch::matmul(z.permute({1, 2, 3, 0}), factors).add_(bias);
    rgb = rgb.add_(1.0).mul_(127.5).round_().clamp_(0.0, 255.0);
    return torch::nan_to_num(rgb, 0.0).to(torch::kUInt8).contiguous();
}

} // namespace wan::vae
