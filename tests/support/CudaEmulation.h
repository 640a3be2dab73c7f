#pragma once
// Just enough of CUDA, on the CPU, to run the DiT's own kernels (core/src/dit/FusedKernels.cu) in a test on a
// machine without a GPU: each thread block runs as blockDim.x CPU threads, one block after another, with
// __syncthreads as a block-wide barrier, __shfl_xor_sync as an exchange through a per-warp slot array between
// two warp barriers, and __shared__ variables as function statics (one block at a time, so they are the
// block's). bf16/fp16 are float32 rounded to nearest even, as the device's conversions. Include it, define
// WAN_CUDA_EMULATION, then include the .cu file. Not for speed: sizes of a few rows.

#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static

struct dim3
{
    unsigned x = 1, y = 1, z = 1;
};

struct float2
{
    float x, y;
};
inline float2 make_float2(float x, float y)
{
    return {x, y};
}
inline float rsqrtf(float v)
{
    return 1.0f / std::sqrt(v);
}

using cudaStream_t = void*;
enum cudaError_t : int
{
    cudaSuccess = 0,
    cudaErrorInvalidValue = 1,
};
inline cudaError_t cudaGetLastError()
{
    return cudaSuccess;
}

// Reduced-precision storage: the bits of float32 rounded to nearest even, as __float2bfloat16_rn /
// __float2half_rn do.
struct __nv_bfloat16
{
    std::uint16_t bits;
};
struct __half
{
    std::uint16_t bits;
};
inline float __bfloat162float(__nv_bfloat16 h)
{
    const std::uint32_t u = std::uint32_t(h.bits) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}
inline __nv_bfloat16 __float2bfloat16_rn(float f)
{
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    if (std::isnan(f))
        return {std::uint16_t(0x7fc0)};
    u += 0x7fff + ((u >> 16) & 1);
    return {std::uint16_t(u >> 16)};
}
float __half2float(__half h);
__half __float2half_rn(float f);

namespace wan::emulation {

// The block being run, as the threads of that block see it.
struct Block
{
    explicit Block(unsigned threads) : all(std::ptrdiff_t(threads))
    {
        for (unsigned w = 0; w < (threads + 31) / 32; ++w)
            warps.push_back(std::make_unique<Warp>());
    }
    struct Warp
    {
        std::barrier<> sync{32};
        float slots[32] = {};
    };
    std::barrier<> all;
    std::vector<std::unique_ptr<Warp>> warps;
};

inline thread_local Block* currentBlock = nullptr;
inline thread_local dim3 threadIdxValue, blockIdxValue, blockDimValue, gridDimValue;

// Runs kernel(args...) over grid x block (x only), block by block.
template <typename... Params> struct Launch
{
    unsigned grid, block;
    void (*kernel)(Params...);
    template <typename... Args> void operator()(Args&&... args) const
    {
        for (unsigned b = 0; b < grid; ++b) {
            Block context(block);
            std::vector<std::thread> threads;
            for (unsigned t = 0; t < block; ++t)
                threads.emplace_back([&, t] {
                    currentBlock = &context;
                    threadIdxValue = {t, 0, 0};
                    blockIdxValue = {b, 0, 0};
                    blockDimValue = {block, 1, 1};
                    gridDimValue = {grid, 1, 1};
                    kernel(Params(args)...);
                });
            for (auto& thread : threads)
                thread.join();
        }
    }
};

template <typename... Params>
Launch<Params...> launch(unsigned grid, unsigned block, void (*kernel)(Params...))
{
    return {grid, block, kernel};
}

} // namespace wan::emulation

#define threadIdx (wan::emulation::threadIdxValue)
#define blockIdx (wan::emulation::blockIdxValue)
#define blockDim (wan::emulation::blockDimValue)
#define gridDim (wan::emulation::gridDimValue)
#define WAN_LAUNCH(grid, block, stream, ...) wan::emulation::launch((grid), (block), __VA_ARGS__)

inline void __syncthreads()
{
    wan::emulation::currentBlock->all.arrive_and_wait();
}

// Every lane of the warp takes part (as in the kernels: full-warp masks, blockDim a multiple of 32).
inline float __shfl_xor_sync(unsigned /*mask*/, float v, int laneMask)
{
    auto& warp = *wan::emulation::currentBlock->warps[threadIdx.x / 32];
    const unsigned lane = threadIdx.x % 32;
    warp.slots[lane] = v;
    warp.sync.arrive_and_wait();
    const float other = warp.slots[lane ^ unsigned(laneMask)];
    warp.sync.arrive_and_wait();
    return other;
}

inline float __half2float(__half h)
{
    const std::uint32_t sign = std::uint32_t(h.bits & 0x8000) << 16;
    const int exponent = (h.bits >> 10) & 0x1f;
    const std::uint32_t mantissa = h.bits & 0x3ff;
    float f;
    if (exponent == 0) {
        f = std::ldexp(float(mantissa), -24); // subnormal (or zero)
    } else if (exponent == 31) {
        f = mantissa ? NAN : INFINITY;
    } else {
        f = std::ldexp(float(mantissa | 0x400), exponent - 25);
    }
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    u |= sign;
    std::memcpy(&f, &u, 4);
    return f;
}

inline __half __float2half_rn(float f)
{
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    const std::uint16_t sign = std::uint16_t((u >> 16) & 0x8000);
    const float a = std::fabs(f);
    if (std::isnan(f))
        return {std::uint16_t(sign | 0x7e00)};
    if (a >= 65520.0f) // rounds to infinity
        return {std::uint16_t(sign | 0x7c00)};
    if (a < std::ldexp(1.0f, -14)) { // subnormal: multiples of 2^-24, rounded to nearest even
        const float scaled = std::nearbyint(a * std::ldexp(1.0f, 24));
        return {std::uint16_t(sign | std::uint16_t(scaled))};
    }
    int exponent;
    const float m = std::frexp(a, &exponent);               // a = m * 2^exponent, m in [0.5, 1)
    const float scaled = std::nearbyint(std::ldexp(m, 11)); // 11 significant bits, nearest even
    std::uint32_t significand = std::uint32_t(scaled);
    if (significand == 2048) { // rounded up to the next power of two
        significand = 1024;
        ++exponent;
    }
    const std::uint32_t biased = std::uint32_t(exponent - 1 + 15);
    return {std::uint16_t(sign | (biased << 10) | (significand & 0x3ff))};
}
