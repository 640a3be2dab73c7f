// GGUF block dequantisers written as LibTorch tensor operations, so they run on the device that holds the
// blocks (a CUDA GPU decodes its own quantised weights, with no copy to the host and back). Every float
// operation is the one of GgufDequant.cpp in the same order, each its own rounding (one tensor operation per
// product or sum, so nothing fuses), so the values are bit-identical to the CPU decoder and hence to gguf-py
// (tests/core/test_gguf_device.cpp).

#include "io/QuantTensors.h"

#include "wan/Error.h"

namespace wan::io {

namespace {

using torch::indexing::Slice;

// Bytes [from, from + count) of every block as int32, [blocks, count].
torch::Tensor bytesAt(const torch::Tensor& b, int64_t from, int64_t count)
{
    return b.index({Slice(), Slice(from, from + count)}).to(torch::kInt32);
}

// The little-endian half at byte `from` of every block as float32, [blocks, 1].
torch::Tensor halfAt(const torch::Tensor& b, int64_t from)
{
    return b.index({Slice(), Slice(from, from + 2)}).contiguous().view(torch::kFloat16).to(torch::kFloat32);
}

torch::Tensor shifts(std::initializer_list<int64_t> values, const torch::Tensor& like)
{
    return torch::tensor(std::vector<int64_t>(values), torch::TensorOptions().dtype(torch::kInt32))
        .to(like.device());
}

// (x >> shift) & mask, with x broadcast against the shifts.
torch::Tensor bits(const torch::Tensor& x, const torch::Tensor& shift, int64_t mask)
{
    return torch::bitwise_and(torch::bitwise_right_shift(x, shift), mask);
}

// The 32 nibbles of 16 packed bytes: element j < 16 is the low nibble of byte j, element j >= 16 the high
// nibble of byte j - 16 (Q4_0, Q4_1, Q5_0, Q5_1). [blocks, 32].
torch::Tensor nibbles(const torch::Tensor& qs)
{
    return torch::cat({torch::bitwise_and(qs, 0x0F), torch::bitwise_right_shift(qs, 4)}, 1);
}

// Bit j of the 4 little-endian bytes `qh` ([blocks, 4]) for j = 0..31, [blocks, 32].
torch::Tensor highBits(const torch::Tensor& qh)
{
    const auto perBit = qh.repeat_interleave(8, 1);
    const auto shift = torch::arange(32, torch::TensorOptions().dtype(torch::kInt32).device(qh.device())) % 8;
    return bits(perBit, shift, 1);
}

// 6-bit scales and mins of the 8 sub-blocks of a Q4_K/Q5_K block from its 12 packed bytes, [blocks, 8] each.
std::pair<torch::Tensor, torch::Tensor> scaleMinK4(const torch::Tensor& s)
{
    const auto a = s.index({Slice(), Slice(0, 4)}), m = s.index({Slice(), Slice(4, 8)}),
               c = s.index({Slice(), Slice(8, 12)});
    const auto scLow = torch::bitwise_and(a, 0x3F), mLow = torch::bitwise_and(m, 0x3F);
    const auto scHigh = torch::bitwise_or(torch::bitwise_and(c, 0x0F),
                                          torch::bitwise_and(torch::bitwise_right_shift(a, 2), 0x30));
    const auto mHigh = torch::bitwise_or(torch::bitwise_right_shift(c, 4),
                                         torch::bitwise_and(torch::bitwise_right_shift(m, 2), 0x30));
    return {torch::cat({scLow, scHigh}, 1), torch::cat({mLow, mHigh}, 1)};
}

torch::Tensor asFloat(const torch::Tensor& q)
{
    return q.to(torch::kFloat32);
}

// [blocks, blockElements] float32 values of the blocks `b` ([blocks, blockBytes] uint8).
torch::Tensor dequantizeBlocks(GgmlType type, const torch::Tensor& b)
{
    const int64_t n = b.size(0);
    switch (type) {
    case GgmlType::Q4_0: {
        const auto d = halfAt(b, 0);
        return d * asFloat(nibbles(bytesAt(b, 2, 16)) - 8);
    }
    case GgmlType::Q4_1: {
        const auto d = halfAt(b, 0), m = halfAt(b, 2);
        return d * asFloat(nibbles(bytesAt(b, 4, 16))) + m;
    }
    case GgmlType::Q5_0: {
        const auto d = halfAt(b, 0);
        const auto q = torch::bitwise_or(nibbles(bytesAt(b, 6, 16)), highBits(bytesAt(b, 2, 4)) * 16);
        return d * asFloat(q - 16);
    }
    case GgmlType::Q5_1: {
        const auto d = halfAt(b, 0), m = halfAt(b, 2);
        const auto q = torch::bitwise_or(nibbles(bytesAt(b, 8, 16)), highBits(bytesAt(b, 4, 4)) * 16);
        return d * asFloat(q) + m;
    }
    case GgmlType::Q8_0: {
        const auto d = halfAt(b, 0);
        return asFloat(b.index({Slice(), Slice(2, 34)}).contiguous().view(torch::kInt8)) * d;
    }
    case GgmlType::Q2_K: {
        const auto scales = bytesAt(b, 0, 16);
        const auto d = halfAt(b, 80), dmin = halfAt(b, 82);
        const auto dl = d * asFloat(torch::bitwise_and(scales, 0x0F)); // [n, 16]
        const auto ml = dmin * asFloat(torch::bitwise_right_shift(scales, 4));
        // Element e = half * 128 + s * 32 + l takes 2 bits at shift 2s of byte half * 32 + l.
        const auto qs = bytesAt(b, 16, 64).view({n, 2, 1, 32});
        const auto q = bits(qs, shifts({0, 2, 4, 6}, b).view({1, 1, 4, 1}), 3).reshape({n, 16, 16});
        return (dl.unsqueeze(2) * asFloat(q) - ml.unsqueeze(2)).reshape({n, 256});
    }
    case GgmlType::Q3_K: {
        const auto hmask = bytesAt(b, 0, 32), scales = bytesAt(b, 96, 12);
        const auto d = halfAt(b, 108);
        // Scale i: low nibble from byte i (i < 8) or the high nibble of byte i - 8; 2 high bits at shift
        // 2 (i / 4) of byte 8 + i % 4; minus 32.
        const auto first8 = scales.index({Slice(), Slice(0, 8)});
        const auto low =
            torch::cat({torch::bitwise_and(first8, 0x0F), torch::bitwise_right_shift(first8, 4)}, 1);
        const auto high = bits(scales.index({Slice(), Slice(8, 12)}).view({n, 1, 4}),
                               shifts({0, 2, 4, 6}, b).view({1, 4, 1}), 3)
                              .reshape({n, 16});
        const auto dl = d * asFloat(torch::bitwise_or(low, high * 16) - 32); // [n, 16]
        const auto qs = bytesAt(b, 32, 64).view({n, 2, 1, 32});
        const auto ql = bits(qs, shifts({0, 2, 4, 6}, b).view({1, 1, 4, 1}), 3).reshape({n, 8, 32});
        // The high bit of element e is bit e / 32 of hmask[e % 32]; a clear bit subtracts 4.
        const auto hbit = bits(
            hmask.view({n, 1, 32}),
            torch::arange(8, torch::TensorOptions().dtype(torch::kInt32).device(b.device())).view({1, 8, 1}),
            1);
        const auto q = (ql - (1 - hbit) * 4).reshape({n, 16, 16});
        return (dl.unsqueeze(2) * asFloat(q)).reshape({n, 256});
    }
    case GgmlType::Q4_K:
    case GgmlType::Q5_K: {
        const auto d = halfAt(b, 0), dmin = halfAt(b, 2);
        const auto [sc, m] = scaleMinK4(bytesAt(b, 4, 12));
        const auto dg = d * asFloat(sc), mg = dmin * asFloat(m); // [n, 8]
        const bool five = type == GgmlType::Q5_K;
        // Sub-block g = 2 chunk + k takes the nibble at shift 4k of byte chunk * 32 + l.
        const auto qs = bytesAt(b, five ? 48 : 16, 128).view({n, 4, 1, 32});
        auto q = bits(qs, shifts({0, 4}, b).view({1, 1, 2, 1}), 0x0F).reshape({n, 8, 32});
        if (five) {
            const auto qh = bytesAt(b, 16, 32).view({n, 1, 32});
            const auto g = torch::arange(8, torch::TensorOptions().dtype(torch::kInt32).device(b.device()));
            q = torch::bitwise_or(q, bits(qh, g.view({1, 8, 1}), 1) * 16);
        }
        return (dg.unsqueeze(2) * asFloat(q) - mg.unsqueeze(2)).reshape({n, 256});
    }
    case GgmlType::Q6_K: {
        const auto d = halfAt(b, 208);
        const auto scales = b.index({Slice(), Slice(192, 208)}).contiguous().view(torch::kInt8);
        const auto dg = d * asFloat(scales); // [n, 16]
        // Element e = half * 128 + r: the nibble at shift 4 (r / 64) of ql[half * 64 + r % 64] and 2 bits at
        // shift 2 (r / 32) of qh[half * 32 + r % 32].
        const auto ql = bytesAt(b, 0, 128).view({n, 2, 1, 64});
        const auto qh = bytesAt(b, 128, 64).view({n, 2, 1, 32});
        const auto low = bits(ql, shifts({0, 4}, b).view({1, 1, 2, 1}), 0x0F).reshape({n, 2, 128});
        const auto high = bits(qh, shifts({0, 2, 4, 6}, b).view({1, 1, 4, 1}), 3).reshape({n, 2, 128});
        const auto q = (torch::bitwise_or(low, high * 16) - 32).reshape({n, 16, 16});
        return (dg.unsqueeze(2) * asFloat(q)).reshape({n, 256});
    }
    default:
        return {};
    }
}

} // namespace

torch::Tensor dequantizeGgufBlocksWithTorch(const torch::Tensor& blocks, std::uint32_t type,
                                            c10::IntArrayRef shape, torch::Dtype dtype)
{
    const auto* info = ggmlTypeInfo(type);
    if (!info || !info->dequantizable)
        throw Error(ErrorKind::ModelFolder,
                    "GGUF tensor type " + (info ? std::string(info->name) : std::to_string(type)) +
                        " is not supported; use a file quantised as F32, F16, BF16, Q8_0, Q6_K, Q5_K, Q5_0, "
                        "Q5_1, Q4_K, Q4_0, Q4_1, Q3_K or Q2_K");
    const int64_t count = c10::multiply_integers(shape);
    const auto bytes = blocks.contiguous().view({-1});
    if (bytes.scalar_type() != torch::kUInt8 || count % info->blockElements != 0 ||
        count / info->blockElements * int64_t(info->blockBytes) != bytes.numel())
        throw Error(ErrorKind::CorruptFile, std::to_string(bytes.numel()) + " bytes of " +
                                                std::string(info->name) + " data do not hold " +
                                                std::to_string(count) + " elements");
    const auto t = static_cast<GgmlType>(type);
    torch::Tensor values;
    if (t == GgmlType::F32)
        values = bytes.view(torch::kFloat32);
    else if (t == GgmlType::F16)
        values = bytes.view(torch::kFloat16).to(torch::kFloat32);
    else if (t == GgmlType::BF16)
        values = bytes.view(torch::kBFloat16).to(torch::kFloat32);
    else
        values = dequantizeBlocks(t, bytes.view({-1, int64_t(info->blockBytes)}));
    return values.reshape(shape).to(dtype);
}

} // namespace wan::io
