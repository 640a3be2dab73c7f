#include "dit/Attention.h"

#include "wan/Error.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace wan::dit {

namespace {

// q: [B, H, Lq, D], k: [B, H, Lk, D], v: [B, H, Lk, Dv] -> [B, H, Lq, Dv]
torch::Tensor attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, double scale)
{
    return at::scaled_dot_product_attention(q, k, v, /*attn_mask=*/{}, /*dropout_p=*/0.0, /*is_causal=*/false,
                                            scale);
}

// Same layout as attend(); chunks the queries on CPU.
torch::Tensor attendChunked(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                            double scale, int64_t chunkBytes)
{
    const int64_t lq = q.size(2);
    if (!q.device().is_cpu())
        return attend(q, k, v, scale);
    const int64_t rowBytes = q.size(0) * q.size(1) * k.size(2) * int64_t(sizeof(float));
    const int64_t chunk = std::max<int64_t>(1, chunkBytes / std::max<int64_t>(1, rowBytes));
    if (chunk >= lq)
        return attend(q, k, v, scale);
    // Each chunk's result goes straight into the output, laid out [B, Lq, H, Dv] so that the caller's
    // transpose back and flatten are views.
    auto out = torch::empty({q.size(0), lq, q.size(1), v.size(3)}, q.options()).transpose(1, 2);
    for (int64_t start = 0; start < lq; start += chunk) {
        const int64_t n = std::min(chunk, lq - start);
        out.narrow(2, start, n).copy_(attend(q.narrow(2, start, n), k, v, scale));
    }
    return out;
}

} // namespace

torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const std::vector<int64_t>& keyLengths, std::optional<double> scale,
                        int64_t cpuChunkBytes)
{
    // q: [B, Lq, H, D], k: [B, Lk, H, D], v: [B, Lk, H, Dv] -> [B, Lq, H, Dv]
    if (q.dim() != 4 || k.dim() != 4 || v.dim() != 4 || k.size(0) != q.size(0) || v.size(0) != q.size(0) ||
        k.size(2) != q.size(2) || v.size(2) != q.size(2) || k.size(3) != q.size(3) || v.size(1) != k.size(1))
        throw Error(ErrorKind::Internal,
                    "attention: q, k, v must be [B, L, heads, headDim] with matching sizes");
    const int64_t batch = q.size(0);
    const int64_t lk = k.size(1);
    const double s = scale.value_or(1.0 / std::sqrt(double(q.size(3))));

    const auto qh = q.transpose(1, 2);
    const auto kh = k.to(q.scalar_type()).transpose(1, 2);
    const auto vh = v.to(q.scalar_type()).transpose(1, 2);

    bool padded = false;
    if (!keyLengths.empty()) {
        if (int64_t(keyLengths.size()) != batch)
            throw Error(ErrorKind::Internal, "attention: keyLengths needs one entry per sample");
        for (const int64_t len : keyLengths) {
            if (len < 1 || len > lk)
                throw Error(ErrorKind::Internal, "attention: key length " + std::to_string(len) +
                                                     " outside [1, " + std::to_string(lk) + "]");
            padded = padded || len < lk;
        }
    }
    if (!padded)
        return attendChunked(qh, kh, vh, s, cpuChunkBytes).transpose(1, 2);

    // Padding keys are removed per sample, which keeps fused kernels usable (no mask tensor).
    auto out = torch::empty({batch, q.size(1), q.size(2), v.size(3)}, q.options());
    for (int64_t b = 0; b < batch; ++b) {
        const int64_t len = keyLengths[size_t(b)];
        out.narrow(0, b, 1).transpose(1, 2).copy_(
            attendChunked(qh.narrow(0, b, 1), kh.narrow(0, b, 1).narrow(2, 0, len),
                          vh.narrow(0, b, 1).narrow(2, 0, len), s, cpuChunkBytes));
    }
    return out;
}

} // namespace wan::dit
