#include "dit/Layers.h"

#include "dit/FusedOps.h"
#include "io/QuantTensors.h"

namespace wan::dit {

namespace F = torch::nn::functional;

LinearImpl::LinearImpl(int64_t inFeatures, int64_t outFeatures, bool withBias)
    : m_inFeatures(inFeatures), m_outFeatures(outFeatures)
{
    weight = register_parameter("weight", torch::empty({outFeatures, inFeatures}), /*requires_grad=*/false);
    if (withBias)
        bias = register_parameter("bias", torch::empty({outFeatures}), false);
}

torch::Tensor LinearImpl::forward(const torch::Tensor& x)
{
    // x: [..., in] -> [..., out]
    const auto input = x.to(computeDtype());
    auto y = m_quantized
                 ? torch::linear(input, dequantizedWeight(), bias.defined() ? bias.to(computeDtype()) : bias)
                 : torch::linear(input, weight, bias);
    for (const auto& a : adapters) {
        auto update = a.up.defined()     ? torch::linear(torch::linear(input, a.down), a.up) * a.scale
                      : a.down.defined() ? torch::linear(input, a.down, a.bias) * a.scale
                                         : a.bias * a.scale;
        y = canUpdateInPlace(y, update) ? y.add_(update) : y + update;
    }
    return y;
}

void LinearImpl::setQuantized(torch::Dtype computeDtype, double scale, int ggmlType)
{
    m_quantized = true;
    m_computeDtype = computeDtype;
    m_scale = scale;
    m_ggmlType = ggmlType;
}

torch::Tensor LinearImpl::dequantizedWeight() const
{
    if (!m_quantized)
        return weight;
    if (m_ggmlType >= 0)
        return io::dequantizeGgufBlocks(weight, std::uint32_t(m_ggmlType), {m_outFeatures, m_inFeatures},
                                        m_computeDtype);
    // fp8 -> float32 is exact; the scale product is the one rounding (in float32, as dequantizeScaledFp8).
    if (m_scale == 1.0)
        return weight.to(m_computeDtype);
    return (weight.to(torch::kFloat32) * static_cast<float>(m_scale)).to(m_computeDtype);
}

LayerNormImpl::LayerNormImpl(int64_t dim, double eps, bool affine) : m_dim(dim), m_eps(eps)
{
    if (affine) {
        weight = register_parameter("weight", torch::empty({dim}), false);
        bias = register_parameter("bias", torch::empty({dim}), false);
    }
}

torch::Tensor LayerNormImpl::forward(const torch::Tensor& x)
{
    // x: [..., dim] -> [..., dim] float32
    const auto f32 = [](const torch::Tensor& t) { return t.defined() ? t.to(torch::kFloat32) : t; };
    return torch::layer_norm(x.to(torch::kFloat32), {m_dim}, f32(weight), f32(bias), m_eps);
}

RmsNormImpl::RmsNormImpl(int64_t dim, double eps) : m_eps(eps)
{
    weight = register_parameter("weight", torch::empty({dim}), false);
}

torch::Tensor RmsNormImpl::forward(const torch::Tensor& x)
{
    // x: [..., dim] -> [..., dim]
    return rmsNorm(x, weight, m_eps);
}

bool canUpdateInPlace(const torch::Tensor& target, const torch::Tensor& other)
{
    return !at::GradMode::is_enabled() && (!target.is_inference() || c10::InferenceMode::is_enabled()) &&
           torch::result_type(target, other) == target.scalar_type() &&
           at::infer_size(target.sizes(), other.sizes()) == target.sizes();
}

torch::Tensor modulate(torch::Tensor n, const torch::Tensor& scale, const torch::Tensor& shift)
{
    // n: [B, L, dim], scale/shift: [B or 1, 1, dim] -> [B, L, dim]
    const auto factor = 1 + scale;
    if (!canUpdateInPlace(n, factor) || !canUpdateInPlace(n, shift))
        return n * factor + shift;
    return n.mul_(factor).add_(shift);
}

torch::Tensor normModulate(LayerNormImpl& norm, const torch::Tensor& x, const torch::Tensor& scale,
                           const torch::Tensor& shift, torch::Dtype outDtype)
{
    // x: [B, L, dim] float32, scale/shift: [B or 1, 1, dim] -> [B, L, dim] outDtype
    if (!norm.weight.defined())
        if (auto y = fused::tryLayerNormModulate(x, scale, shift, norm.eps(), outDtype); y.defined())
            return y;
    return modulate(norm.forward(x), scale, shift).to(outDtype); // no copy when already outDtype
}

torch::Tensor addGated(torch::Tensor x, torch::Tensor y, const torch::Tensor& gate)
{
    // x: [B, L, dim] float32, y: [B, L, dim], gate: [B or 1, 1, dim] -> [B, L, dim]
    auto update = y.to(torch::kFloat32);
    y = torch::Tensor();
    if (gate.defined())
        update = canUpdateInPlace(update, gate) ? update.mul_(gate) : update * gate;
    return canUpdateInPlace(x, update) ? x.add_(update) : x + update;
}

torch::Tensor rmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps)
{
    // x: [..., dim] -> [..., dim]
    if (auto y = fused::tryRmsNorm(x, weight, eps); y.defined())
        return y;
    const auto xf = x.to(torch::kFloat32);
    if (at::GradMode::is_enabled())
        return (xf * torch::rsqrt(xf.pow(2).mean(-1, /*keepdim=*/true) + eps)).to(x.scalar_type()) * weight;
    // Same kernels, one full-size temporary fewer: the statistics are updated in place.
    auto normed = xf * xf.pow(2).mean(-1, /*keepdim=*/true).add_(eps).rsqrt_();
    if (normed.scalar_type() != x.scalar_type())
        normed = normed.to(x.scalar_type());
    return canUpdateInPlace(normed, weight) ? normed.mul_(weight) : normed * weight;
}

PatchConvImpl::PatchConvImpl(int64_t inChannels, int64_t outChannels, std::vector<int64_t> kernel,
                             bool withBias)
    : m_kernel(std::move(kernel))
{
    TORCH_CHECK(m_kernel.size() == 2 || m_kernel.size() == 3, "PatchConv: kernel must have 2 or 3 sizes");
    std::vector<int64_t> shape{outChannels, inChannels};
    shape.insert(shape.end(), m_kernel.begin(), m_kernel.end());
    weight = register_parameter("weight", torch::empty(shape), false);
    if (withBias)
        bias = register_parameter("bias", torch::empty({outChannels}), false);
}

torch::Tensor PatchConvImpl::forward(const torch::Tensor& x)
{
    // x: [B, in, (F,) H, W] -> [B, out, (F/kf,) H/kh, W/kw]
    const auto input = x.to(weight.scalar_type());
    if (m_kernel.size() == 3)
        return torch::conv3d(input, weight, bias, m_kernel);
    return torch::conv2d(input, weight, bias, m_kernel);
}

void keepInFloat32(torch::nn::Module& module, const std::function<bool(const std::string& name)>& keep,
                   const io::TensorMap* source)
{
    for (auto& item : module.named_parameters(/*recurse=*/true)) {
        auto& p = item.value();
        const auto type = p.scalar_type();
        if ((type != torch::kBFloat16 && type != torch::kFloat16) || !keep(item.key()))
            continue;
        const auto original = source ? source->find(item.key()) : io::TensorMap::const_iterator{};
        const bool exact = source && original != source->end() && original->second.sizes() == p.sizes();
        p.set_data(exact ? original->second.to(p.device(), torch::kFloat32) : p.to(torch::kFloat32));
    }
}

} // namespace wan::dit
