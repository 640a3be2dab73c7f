#pragma once
// The one multi-head attention used by the engine (DiT self/cross attention, CLIP vision tower, VAE).

#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace wan::dit {

// Scores one CPU chunk of queries may hold; long sequences are processed in query chunks under this bound.
inline constexpr int64_t kCpuAttentionChunkBytes = int64_t(256) << 20;

// q: [B, Lq, heads, headDim], k: [B, Lk, heads, headDim], v: [B, Lk, heads, headDimV]
//   -> [B, Lq, heads, headDimV] in q's dtype.
// keyLengths: empty (every key counts) or one count per sample; keys at or beyond a sample's count are
// padding and take no part (they are dropped, not masked with a large negative, so results equal an unpadded
// call). scale: factor on q·k, default 1/sqrt(headDim). Uses at::scaled_dot_product_attention where LibTorch
// has it (>= 2.1), else an exact float32-softmax math path. On CPU the queries are chunked so the score
// matrix stays under cpuChunkBytes.
torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const std::vector<int64_t>& keyLengths = {},
                        std::optional<double> scale = std::nullopt,
                        int64_t cpuChunkBytes = kCpuAttentionChunkBytes);

} // namespace wan::dit
