// The VACE parts of WanModel (the official VaceWanModel): hint blocks over the source context and the
// vace_patch_embedding that turns [vaceInDim, F, H, W] into their tokens.

#include "dit/WanModel.h"

#include "wan/Error.h"

namespace wan::dit {

VaceWanAttentionBlockImpl::VaceWanAttentionBlockImpl(const WanConfig& config, bool first)
    : WanAttentionBlockImpl(config)
{
    if (first)
        before_proj = register_module("before_proj", Linear(config.dim, config.dim));
    after_proj = register_module("after_proj", Linear(config.dim, config.dim));
}

std::pair<torch::Tensor, torch::Tensor>
VaceWanAttentionBlockImpl::forward(torch::Tensor c, const torch::Tensor& x, const torch::Tensor& e0,
                                   const std::vector<int64_t>& seqLens, const RopeTables& rope,
                                   const torch::Tensor& context)
{
    // c, x: [B, L, dim] -> {[B, L, dim] float32, [B, L, dim] in after_proj's dtype}
    auto in = before_proj ? (before_proj(c) + x).to(torch::kFloat32) : c.to(torch::kFloat32);
    c = torch::Tensor();
    auto out = WanAttentionBlockImpl::forward(std::move(in), e0, seqLens, rope, context);
    auto hint = after_proj(out);
    return {std::move(out), std::move(hint)};
}

std::vector<torch::Tensor> WanModel::vaceHints(const std::vector<torch::Tensor>& vaceContext,
                                               const torch::Tensor& x, const torch::Tensor& e0,
                                               const std::vector<int64_t>& seqLens, const RopeTables& rope,
                                               const torch::Tensor& context, int64_t seqLen)
{
    // vaceContext: B x [vaceInDim, F, H, W], x: [B, seqLen, dim] -> one [B, seqLen, dim] hint per vace block
    const auto device = computeDevice();
    const int64_t batch = int64_t(vaceContext.size());
    // Zero-padded to seqLen like the video tokens; the padding rows are masked as keys the same way.
    auto c = torch::zeros({batch, seqLen, m_config.dim}, x.options());
    for (int64_t i = 0; i < batch; ++i) {
        const auto patches = vace_patch_embedding(vaceContext[size_t(i)].to(device).unsqueeze(0).to(
                                                      vace_patch_embedding->weight.scalar_type()))
                                 .flatten(2)
                                 .transpose(1, 2)[0];
        if (patches.size(0) != seqLens[size_t(i)])
            throw Error(ErrorKind::InvalidArgument, "WanModel: VACE context " + std::to_string(i) +
                                                        " does not cover the latent's patch grid");
        c[i].narrow(0, 0, patches.size(0)).copy_(patches);
    }
    std::vector<torch::Tensor> hints;
    const size_t first = m_blocks.size();
    for (size_t j = 0; j < m_vaceBlocks.size(); ++j) {
        const FetchedBlock fetched(*this, first + j);
        auto [next, hint] = m_vaceBlocks[j]->forward(std::move(c), x, e0, seqLens, rope, context);
        c = std::move(next);
        hints.push_back(std::move(hint));
    }
    return hints;
}

} // namespace wan::dit
