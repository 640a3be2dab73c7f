#include "io/Fp8.h"

#include "io/RawGguf.h"
#include "wan/Error.h"

#include <cstring>
#include <limits>
#include <string>

namespace wan::io {

float fp8E4M3FnToFloat(std::uint8_t bits) noexcept
{
    const std::uint32_t sign = std::uint32_t(bits & 0x80u) << 24;
    const std::uint32_t exp = (bits >> 3) & 0x0Fu;
    std::uint32_t man = bits & 0x07u;
    if (exp == 0x0F && man == 0x07)
        return sign ? -std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::quiet_NaN();
    std::uint32_t out;
    if (exp == 0) {
        if (man == 0) {
            out = sign;
        } else { // subnormal: man * 2^-9, normalised
            std::uint32_t e = 0;
            while (!(man & 0x08u)) {
                man <<= 1;
                ++e;
            }
            out = sign | ((127u - 6u - e) << 23) | ((man & 0x07u) << 20);
        }
    } else {
        out = sign | ((exp + 120u) << 23) | (man << 20);
    }
    float f;
    std::memcpy(&f, &out, 4);
    return f;
}

float fp8E5M2ToFloat(std::uint8_t bits) noexcept
{
    return halfToFloat(static_cast<std::uint16_t>(bits << 8));
}

void dequantizeFp8(DType dtype, const std::uint8_t* src, std::uint64_t count, float scale, float* dst)
{
    if (dtype != DType::F8E4M3 && dtype != DType::F8E5M2)
        throw Error(ErrorKind::InvalidArgument,
                    "dequantizeFp8 needs an F8_E4M3 or F8_E5M2 tensor, not " + std::string(dtypeName(dtype)));
    // A table of the 256 values keeps the loop to a load and a multiply.
    float table[256];
    for (int b = 0; b < 256; ++b)
        table[b] =
            dtype == DType::F8E4M3 ? fp8E4M3FnToFloat(std::uint8_t(b)) : fp8E5M2ToFloat(std::uint8_t(b));
    for (std::uint64_t k = 0; k < count; ++k)
        dst[k] = table[src[k]] * scale;
}

} // namespace wan::io
