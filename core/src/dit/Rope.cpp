#include "dit/Rope.h"

#include "dit/FusedOps.h"

#include "wan/Error.h"

#include <algorithm>
#include <string>

namespace wan::dit {

namespace {

// Float64 temporaries of the exact rotation are bounded by rotating this many bytes of tokens at a time.
constexpr int64_t kExactChunkBytes = int64_t(8) << 20;

// [kRopeMaxPositions, k/2] angles p * 10000^(-2j/k), float64 as in the official rope_params.
torch::Tensor axisAngles(int64_t k)
{
    const auto inv = 1.0 / torch::pow(10000.0, torch::arange(0, k, 2, torch::kFloat64).div(double(k)));
    return torch::outer(torch::arange(kRopeMaxPositions, torch::kFloat64), inv);
}

// table: [kRopeMaxPositions, c] -> [f*h*w, c], the (frame | row | column) parts of each token's position.
torch::Tensor gridRows(const torch::Tensor& table, const std::array<int64_t, 3>& grid)
{
    const int64_t c = table.size(1);
    const int64_t axisPairs = c / 3;
    const int64_t f = grid[0], h = grid[1], w = grid[2];
    const auto parts = table.split_with_sizes({c - 2 * axisPairs, axisPairs, axisPairs}, 1);
    return torch::cat({parts[0].narrow(0, 0, f).view({f, 1, 1, -1}).expand({f, h, w, -1}),
                       parts[1].narrow(0, 0, h).view({1, h, 1, -1}).expand({f, h, w, -1}),
                       parts[2].narrow(0, 0, w).view({1, 1, w, -1}).expand({f, h, w, -1})},
                      -1)
        .reshape({f * h * w, c});
}

// tokens: [n, heads, headDim] float32, contiguous; cos/sin: [n, 1, headDim/2] float64. Rotated in place
// with the official float64 arithmetic (same operations, so the same bits), a chunk of tokens at a time.
void rotateExact(const torch::Tensor& tokens, const torch::Tensor& cos, const torch::Tensor& sin)
{
    const int64_t n = tokens.size(0), heads = tokens.size(1), headDim = tokens.size(2);
    const int64_t chunk =
        std::max<int64_t>(1, kExactChunkBytes / (heads * headDim * int64_t(sizeof(double))));
    for (int64_t start = 0; start < n; start += chunk) {
        const int64_t m = std::min(chunk, n - start);
        const auto out = tokens.narrow(0, start, m).view({m, heads, headDim / 2, 2});
        const auto pairs = out.to(torch::kFloat64);
        const auto re = pairs.select(-1, 0);
        const auto im = pairs.select(-1, 1);
        const auto c = cos.narrow(0, start, m);
        const auto s = sin.narrow(0, start, m);
        out.select(-1, 0).copy_(re * c - im * s);
        out.select(-1, 1).copy_(re * s + im * c);
    }
}

// The official rope_apply, out of place (autograd records it): x [B, L, H, D] -> [B, L, H, D] float32.
torch::Tensor rotatedCopy(const torch::Tensor& x, const RopeTables& rope)
{
    const int64_t heads = x.size(2), headDim = x.size(3);
    std::vector<torch::Tensor> samples;
    for (int64_t b = 0; b < x.size(0); ++b) {
        const auto sample = x[b];
        const bool exact = rope.math == RopeMath::Exact;
        const int64_t n = exact ? rope.cos[size_t(b)].size(0) : rope.rotation[size_t(b)].size(0);
        const auto pairs = sample.narrow(0, 0, n).reshape({n, heads, headDim / 2, 2});
        torch::Tensor rotated;
        if (exact) {
            const auto wide = pairs.to(torch::kFloat64);
            const auto re = wide.select(-1, 0);
            const auto im = wide.select(-1, 1);
            const auto& c = rope.cos[size_t(b)];
            const auto& s = rope.sin[size_t(b)];
            rotated = torch::stack({re * c - im * s, re * s + im * c}, -1);
        } else {
            rotated =
                torch::view_as_real(torch::view_as_complex(pairs.contiguous()) * rope.rotation[size_t(b)]);
        }
        samples.push_back(torch::cat(
            {rotated.reshape({n, heads, headDim}).to(torch::kFloat32), sample.narrow(0, n, x.size(1) - n)}));
    }
    return torch::stack(samples);
}

} // namespace

torch::Tensor ropeAngles(int64_t headDim)
{
    const int64_t d = headDim;
    return torch::cat({axisAngles(d - 4 * (d / 6)), axisAngles(2 * (d / 6)), axisAngles(2 * (d / 6))}, 1);
}

RopeTables ropeTables(const torch::Tensor& cos, const torch::Tensor& sin,
                      const std::vector<std::array<int64_t, 3>>& grids, RopeMath math, torch::Device device)
{
    RopeTables tables;
    tables.math = math;
    for (const auto& grid : grids) {
        const auto c = gridRows(cos, grid).unsqueeze(1); // [tokens, 1, headDim/2] float64
        const auto s = gridRows(sin, grid).unsqueeze(1);
        if (math == RopeMath::Exact) {
            tables.cos.push_back(c.to(device));
            tables.sin.push_back(s.to(device));
        } else {
            const auto pairs = torch::stack({c, s}, -1).to(torch::kFloat32);
            tables.rotation.push_back(torch::view_as_complex(pairs).to(device));
        }
    }
    return tables;
}

torch::Tensor applyRope(torch::Tensor x, const RopeTables& rope)
{
    // x: [B, L, heads, headDim] float32 -> [B, L, heads, headDim] float32
    const bool exact = rope.math == RopeMath::Exact;
    const size_t samples = exact ? rope.cos.size() : rope.rotation.size();
    if (x.dim() != 4 || size_t(x.size(0)) != samples || x.size(3) % 2 != 0)
        throw Error(ErrorKind::Internal,
                    "applyRope: x must be [B, L, heads, headDim] with one table per sample");
    for (size_t b = 0; b < samples; ++b) {
        const auto& table = exact ? rope.cos[b] : rope.rotation[b];
        if (table.size(0) > x.size(1) || table.size(2) != x.size(3) / 2)
            throw Error(ErrorKind::Internal, "applyRope: sample " + std::to_string(b) + " has " +
                                                 std::to_string(table.size(0)) + " rotations for " +
                                                 std::to_string(x.size(1)) + " tokens");
    }
    if (x.scalar_type() != torch::kFloat32)
        x = x.to(torch::kFloat32);
    if (at::GradMode::is_enabled())
        return rotatedCopy(x, rope);
    // In place: only the tokens' own memory is written, one sample's real tokens at a time.
    x = x.contiguous();
    const int64_t heads = x.size(2), headDim = x.size(3);
    for (size_t b = 0; b < samples; ++b) {
        const int64_t n = exact ? rope.cos[b].size(0) : rope.rotation[b].size(0);
        const auto tokens = x[int64_t(b)].narrow(0, 0, n);
        if (exact)
            rotateExact(tokens, rope.cos[b], rope.sin[b]);
        else if (!fused::tryRotateInPlace(tokens, rope.rotation[b]))
            torch::view_as_complex(tokens.view({n, heads, headDim / 2, 2})).mul_(rope.rotation[b]);
    }
    return x;
}

} // namespace wan::dit
