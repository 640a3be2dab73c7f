// Block dequantisers of the GGUF types. The arithmetic follows gguf-py's numpy dequantisers operation by
// operation in float32 (each product rounded before the following add/subtract; this file is compiled with
// -ffp-contract=off so that no fused multiply-add changes a rounding), so the results are bit-identical to
// theirs: tests/core/test_gguf_oracle.cpp checks every type against gguf-py's output.

#include "io/RawGguf.h"

#include "wan/Error.h"

#include <cstring>

namespace wan::io {

namespace {

float f16(const std::uint8_t* p) noexcept
{
    return halfToFloat(static_cast<std::uint16_t>(p[0] | (p[1] << 8)));
}

// 6-bit scale and min of sub-block g (0..7) of a Q4_K/Q5_K block's 12 packed scale bytes.
void scaleMinK4(const std::uint8_t* s, int g, std::uint8_t& sc, std::uint8_t& m) noexcept
{
    if (g < 4) {
        sc = s[g] & 0x3F;
        m = s[g + 4] & 0x3F;
    } else {
        const int k = g - 4;
        sc = static_cast<std::uint8_t>((s[8 + k] & 0x0F) | ((s[k] >> 2) & 0x30));
        m = static_cast<std::uint8_t>((s[8 + k] >> 4) | ((s[4 + k] >> 2) & 0x30));
    }
}

void blockQ4_0(const std::uint8_t* b, float* y) noexcept
{
    const float d = f16(b);
    const std::uint8_t* qs = b + 2;
    for (int j = 0; j < 16; ++j) {
        y[j] = d * float(int(qs[j] & 0x0F) - 8);
        y[j + 16] = d * float(int(qs[j] >> 4) - 8);
    }
}

void blockQ4_1(const std::uint8_t* b, float* y) noexcept
{
    const float d = f16(b);
    const float m = f16(b + 2);
    const std::uint8_t* qs = b + 4;
    for (int j = 0; j < 16; ++j) {
        y[j] = d * float(qs[j] & 0x0F) + m;
        y[j + 16] = d * float(qs[j] >> 4) + m;
    }
}

std::uint32_t le32(const std::uint8_t* p) noexcept
{
    return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) |
           (std::uint32_t(p[3]) << 24);
}

void blockQ5_0(const std::uint8_t* b, float* y) noexcept
{
    const float d = f16(b);
    const std::uint32_t qh = le32(b + 2);
    const std::uint8_t* qs = b + 6;
    for (int j = 0; j < 32; ++j) {
        const int ql = j < 16 ? (qs[j] & 0x0F) : (qs[j - 16] >> 4);
        const int q = (ql | int((qh >> j) & 1u) << 4) - 16;
        y[j] = d * float(q);
    }
}

void blockQ5_1(const std::uint8_t* b, float* y) noexcept
{
    const float d = f16(b);
    const float m = f16(b + 2);
    const std::uint32_t qh = le32(b + 4);
    const std::uint8_t* qs = b + 8;
    for (int j = 0; j < 32; ++j) {
        const int ql = j < 16 ? (qs[j] & 0x0F) : (qs[j - 16] >> 4);
        const int q = ql | int((qh >> j) & 1u) << 4;
        y[j] = d * float(q) + m;
    }
}

void blockQ8_0(const std::uint8_t* b, float* y) noexcept
{
    const float d = f16(b);
    for (int j = 0; j < 32; ++j)
        y[j] = float(static_cast<std::int8_t>(b[2 + j])) * d;
}

void blockQ2_K(const std::uint8_t* b, float* y) noexcept
{
    const std::uint8_t* scales = b;
    const std::uint8_t* qs = b + 16;
    const float d = f16(b + 80);
    const float dmin = f16(b + 82);
    float dl[16], ml[16];
    for (int g = 0; g < 16; ++g) {
        dl[g] = d * float(scales[g] & 0x0F);
        ml[g] = dmin * float(scales[g] >> 4);
    }
    for (int e = 0; e < 256; ++e) {
        const int half = e / 128, shift = 2 * ((e % 128) / 32), l = e % 32;
        const int q = (qs[half * 32 + l] >> shift) & 3;
        y[e] = dl[e / 16] * float(q) - ml[e / 16];
    }
}

void blockQ3_K(const std::uint8_t* b, float* y) noexcept
{
    const std::uint8_t* hmask = b;
    const std::uint8_t* qs = b + 32;
    const std::uint8_t* scales = b + 96;
    const float d = f16(b + 108);
    float dl[16];
    for (int i = 0; i < 16; ++i) {
        const int lo = (i < 8 ? scales[i] : scales[i - 8] >> 4) & 0x0F;
        const int hi = (scales[8 + i % 4] >> (2 * (i / 4))) & 0x03;
        const int sc = static_cast<std::int8_t>(static_cast<std::uint8_t>(lo | (hi << 4))) - 32;
        dl[i] = d * float(sc);
    }
    for (int e = 0; e < 256; ++e) {
        const int half = e / 128, shift = 2 * ((e % 128) / 32), l = e % 32;
        const int ql = (qs[half * 32 + l] >> shift) & 3;
        const int bit = (hmask[l] >> (e / 32)) & 1;
        const int q = ql - (bit ? 0 : 4);
        y[e] = dl[e / 16] * float(q);
    }
}

void blockQ4_K(const std::uint8_t* b, float* y) noexcept
{
    const float d = f16(b);
    const float dmin = f16(b + 2);
    const std::uint8_t* scales = b + 4;
    const std::uint8_t* qs = b + 16;
    for (int g = 0; g < 8; ++g) {
        std::uint8_t sc, m;
        scaleMinK4(scales, g, sc, m);
        const float dg = d * float(sc);
        const float mg = dmin * float(m);
        const int chunk = g / 2, shift = 4 * (g % 2);
        for (int l = 0; l < 32; ++l) {
            const int q = (qs[chunk * 32 + l] >> shift) & 0x0F;
            y[g * 32 + l] = dg * float(q) - mg;
        }
    }
}

void blockQ5_K(const std::uint8_t* b, float* y) noexcept
{
    const float d = f16(b);
    const float dmin = f16(b + 2);
    const std::uint8_t* scales = b + 4;
    const std::uint8_t* qh = b + 16;
    const std::uint8_t* qs = b + 48;
    for (int g = 0; g < 8; ++g) {
        std::uint8_t sc, m;
        scaleMinK4(scales, g, sc, m);
        const float dg = d * float(sc);
        const float mg = dmin * float(m);
        const int chunk = g / 2, shift = 4 * (g % 2);
        for (int l = 0; l < 32; ++l) {
            const int q = ((qs[chunk * 32 + l] >> shift) & 0x0F) | (((qh[l] >> g) & 1) << 4);
            y[g * 32 + l] = dg * float(q) - mg;
        }
    }
}

void blockQ6_K(const std::uint8_t* b, float* y) noexcept
{
    const std::uint8_t* ql = b;
    const std::uint8_t* qh = b + 128;
    const std::uint8_t* scales = b + 192;
    const float d = f16(b + 208);
    float dg[16];
    for (int g = 0; g < 16; ++g)
        dg[g] = d * float(static_cast<std::int8_t>(scales[g]));
    for (int e = 0; e < 256; ++e) {
        const int half = e / 128, r = e % 128;
        const int lo = (ql[half * 64 + r % 64] >> (4 * (r / 64))) & 0x0F;
        const int hi = (qh[half * 32 + r % 32] >> (2 * (r / 32))) & 0x03;
        const int q = static_cast<std::int8_t>(static_cast<std::uint8_t>(lo | (hi << 4))) - 32;
        y[e] = dg[e / 16] * float(q);
    }
}

using BlockFn = void (*)(const std::uint8_t*, float*) noexcept;

BlockFn blockFunction(GgmlType type) noexcept
{
    switch (type) {
    case GgmlType::Q4_0:
        return blockQ4_0;
    case GgmlType::Q4_1:
        return blockQ4_1;
    case GgmlType::Q5_0:
        return blockQ5_0;
    case GgmlType::Q5_1:
        return blockQ5_1;
    case GgmlType::Q8_0:
        return blockQ8_0;
    case GgmlType::Q2_K:
        return blockQ2_K;
    case GgmlType::Q3_K:
        return blockQ3_K;
    case GgmlType::Q4_K:
        return blockQ4_K;
    case GgmlType::Q5_K:
        return blockQ5_K;
    case GgmlType::Q6_K:
        return blockQ6_K;
    default:
        return nullptr;
    }
}

} // namespace

float halfToFloat(std::uint16_t h) noexcept
{
    const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
    const std::uint32_t exp = (h >> 10) & 0x1Fu;
    std::uint32_t man = h & 0x3FFu;
    std::uint32_t bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else { // subnormal: normalise
            std::uint32_t e = 0;
            while (!(man & 0x400u)) {
                man <<= 1;
                ++e;
            }
            bits = sign | ((113u - e) << 23) | ((man & 0x3FFu) << 13);
        }
    } else if (exp == 0x1F) {
        bits = sign | 0x7F800000u | (man << 13);
    } else {
        bits = sign | ((exp + 112u) << 23) | (man << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

float bfloat16ToFloat(std::uint16_t h) noexcept
{
    const std::uint32_t bits = std::uint32_t(h) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

void dequantizeGgml(std::uint32_t type, const std::uint8_t* src, std::uint64_t srcBytes, float* dst,
                    std::uint64_t count)
{
    const auto* info = ggmlTypeInfo(type);
    if (!info || !info->dequantizable)
        throw Error(
            ErrorKind::ModelFolder,
            "GGUF tensor type " + (info ? std::string(info->name) : std::to_string(type)) +
                " is not supported; use a file quantised as F32, F16, BF16, Q8_0, Q6_K, Q5_K, Q5_0, Q5_1, "
                "Q4_K, Q4_0, Q4_1, Q3_K or Q2_K");
    if (count % info->blockElements != 0 || count / info->blockElements * info->blockBytes != srcBytes)
        throw Error(ErrorKind::CorruptFile, std::to_string(srcBytes) + " bytes of " +
                                                std::string(info->name) + " data do not hold " +
                                                std::to_string(count) + " elements");
    if (count == 0)
        return; // `dst` may be null then (an empty vector's data())
    const auto t = static_cast<GgmlType>(type);
    if (t == GgmlType::F32) {
        std::memcpy(dst, src, count * 4);
        return;
    }
    if (t == GgmlType::F16 || t == GgmlType::BF16) {
        for (std::uint64_t k = 0; k < count; ++k) {
            const auto bits = static_cast<std::uint16_t>(src[2 * k] | (src[2 * k + 1] << 8));
            dst[k] = t == GgmlType::F16 ? halfToFloat(bits) : bfloat16ToFloat(bits);
        }
        return;
    }
    const BlockFn fn = blockFunction(t);
    const std::uint64_t blocks = count / info->blockElements;
    for (std::uint64_t k = 0; k < blocks; ++k)
        fn(src + k * info->blockBytes, dst + k * info->blockElements);
}

} // namespace wan::io
