// The DiT's own CUDA kernels (dit/FusedKernels.h). One thread block per row for the two norms (the row's sum
// is a block reduction; the row is then re-read from L1/L2, which is cheaper than holding up to 5,120 floats
// in registers), a grid-stride loop over pairs for the rotation. Arithmetic in float32, in the order of the
// LibTorch formulas they replace.

#include "dit/FusedKernels.h"

// WAN_CUDA_EMULATION: compiled as host C++ against tests/support/CudaEmulation.h, which runs each thread
// block on CPU threads (test_dit_kernels); kernels and wrappers are the same text either way.
#ifndef WAN_CUDA_EMULATION
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

// kernel<<<grid, block, 0, stream>>>, spelled so that the emulation can replace it.
#define WAN_LAUNCH(grid, block, stream, ...) __VA_ARGS__<<<(grid), (block), 0, (stream)>>>
#endif

#include <climits>

#ifndef WAN_CUDA_ARCHITECTURES
#define WAN_CUDA_ARCHITECTURES "unknown"
#endif

namespace wan::dit::kernels {

namespace {

template <typename T> __device__ __forceinline__ float load(const T* p, int64_t i);
template <> __device__ __forceinline__ float load<float>(const float* p, int64_t i)
{
    return p[i];
}
template <> __device__ __forceinline__ float load<__nv_bfloat16>(const __nv_bfloat16* p, int64_t i)
{
    return __bfloat162float(p[i]);
}
template <> __device__ __forceinline__ float load<__half>(const __half* p, int64_t i)
{
    return __half2float(p[i]);
}

template <typename T> __device__ __forceinline__ void store(T* p, int64_t i, float v);
template <> __device__ __forceinline__ void store<float>(float* p, int64_t i, float v)
{
    p[i] = v;
}
template <> __device__ __forceinline__ void store<__nv_bfloat16>(__nv_bfloat16* p, int64_t i, float v)
{
    p[i] = __float2bfloat16_rn(v);
}
template <> __device__ __forceinline__ void store<__half>(__half* p, int64_t i, float v)
{
    p[i] = __float2half_rn(v);
}

// v rounded to T (round to nearest even, as torch's casts) and widened back.
template <typename T> __device__ __forceinline__ float roundTo(float v);
template <> __device__ __forceinline__ float roundTo<float>(float v)
{
    return v;
}
template <> __device__ __forceinline__ float roundTo<__nv_bfloat16>(float v)
{
    return __bfloat162float(__float2bfloat16_rn(v));
}
template <> __device__ __forceinline__ float roundTo<__half>(float v)
{
    return __half2float(__float2half_rn(v));
}

// The sum of v over the block (blockDim.x a multiple of 32, at most 1024), returned to every thread.
__device__ float blockSum(float v)
{
    __shared__ float partial[32];
    for (int offset = 16; offset > 0; offset >>= 1)
        v += __shfl_xor_sync(0xffffffffu, v, offset);
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    if (lane == 0)
        partial[warp] = v;
    __syncthreads();
    if (warp == 0) {
        v = lane < int(blockDim.x / 32) ? partial[lane] : 0.f;
        for (int offset = 16; offset > 0; offset >>= 1)
            v += __shfl_xor_sync(0xffffffffu, v, offset);
        if (lane == 0)
            partial[0] = v;
    }
    __syncthreads();
    const float sum = partial[0];
    __syncthreads(); // partial is reused by the next call
    return sum;
}

template <typename X, typename W, typename O>
__global__ void rmsNormKernel(const X* __restrict__ x, int64_t rowStride, const W* __restrict__ weight,
                              O* __restrict__ out, int dim, float eps, const float2* __restrict__ rotation,
                              int64_t rotatedRows, int halfHeadDim)
{
    const int64_t row = blockIdx.x;
    const X* in = x + row * rowStride;
    O* y = out + row * int64_t(dim);
    float squares = 0.f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        const float v = load(in, i);
        squares += v * v;
    }
    const float scale = rsqrtf(blockSum(squares) / float(dim) + eps);
    if (rotation != nullptr && row < rotatedRows) {
        const float2* r = rotation + row * int64_t(halfHeadDim);
        for (int p = threadIdx.x; p < dim / 2; p += blockDim.x) {
            const float a = roundTo<X>(load(in, 2 * p) * scale) * load(weight, 2 * p);
            const float b = roundTo<X>(load(in, 2 * p + 1) * scale) * load(weight, 2 * p + 1);
            const float2 cs = r[p % halfHeadDim];
            store(y, 2 * p, a * cs.x - b * cs.y);
            store(y, 2 * p + 1, a * cs.y + b * cs.x);
        }
        return;
    }
    for (int i = threadIdx.x; i < dim; i += blockDim.x)
        store(y, i, roundTo<X>(load(in, i) * scale) * load(weight, i));
}

template <typename O>
__global__ void layerNormModulateKernel(const float* __restrict__ x, int64_t rowStride,
                                        const float* __restrict__ scale, const float* __restrict__ shift,
                                        O* __restrict__ out, int dim, float eps)
{
    const int64_t row = blockIdx.x;
    const float* in = x + row * rowStride;
    O* y = out + row * int64_t(dim);
    float sum = 0.f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x)
        sum += in[i];
    const float mean = blockSum(sum) / float(dim);
    float squares = 0.f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        const float d = in[i] - mean;
        squares += d * d;
    }
    const float rstd = rsqrtf(blockSum(squares) / float(dim) + eps);
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        const float n = (in[i] - mean) * rstd;
        store(y, i, n * (1.f + scale[i]) + shift[i]);
    }
}

__global__ void rotatePairsKernel(float2* __restrict__ tokens, const float2* __restrict__ rotation,
                                  int64_t pairs, int64_t pairsPerToken, int64_t halfHeadDim)
{
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < pairs;
         i += int64_t(gridDim.x) * blockDim.x) {
        const int64_t token = i / pairsPerToken;
        const float2 v = tokens[i];
        const float2 cs = rotation[token * halfHeadDim + i % halfHeadDim];
        tokens[i] = make_float2(v.x * cs.x - v.y * cs.y, v.x * cs.y + v.y * cs.x);
    }
}

// Threads per row: enough to cover a 1.3B/14B row in a few passes, a multiple of 32.
unsigned rowThreads(int64_t dim)
{
    return dim >= 2048 ? 512u : dim >= 512 ? 256u : dim >= 128 ? 128u : 32u;
}

bool rowsFit(int64_t rows, int64_t dim)
{
    return rows > 0 && rows <= INT_MAX && dim > 0 && dim <= INT_MAX;
}

template <typename X, typename W, typename O>
int launchRmsNorm(const void* x, int64_t rowStride, const void* weight, void* out, int64_t rows, int64_t dim,
                  float eps, const void* rotation, int64_t rotatedRows, int64_t halfHeadDim,
                  cudaStream_t stream)
{
    WAN_LAUNCH(unsigned(rows), rowThreads(dim), stream, rmsNormKernel<X, W, O>)
    (static_cast<const X*>(x), rowStride, static_cast<const W*>(weight), static_cast<O*>(out), int(dim), eps,
     static_cast<const float2*>(rotation), rotatedRows, int(halfHeadDim));
    return int(cudaGetLastError());
}

template <typename X>
int rmsNormFor(const void* x, int64_t rowStride, const void* weight, DType weightType, void* out,
               DType outType, int64_t rows, int64_t dim, float eps, const void* rotation, int64_t rotatedRows,
               int64_t halfHeadDim, cudaStream_t stream)
{
    const bool floatWeight = weightType == DType::Float32;
    const bool floatOut = outType == DType::Float32;
    if (floatWeight && floatOut)
        return launchRmsNorm<X, float, float>(x, rowStride, weight, out, rows, dim, eps, rotation,
                                              rotatedRows, halfHeadDim, stream);
    if (floatWeight)
        return launchRmsNorm<X, float, X>(x, rowStride, weight, out, rows, dim, eps, rotation, rotatedRows,
                                          halfHeadDim, stream);
    if (floatOut)
        return launchRmsNorm<X, X, float>(x, rowStride, weight, out, rows, dim, eps, rotation, rotatedRows,
                                          halfHeadDim, stream);
    return launchRmsNorm<X, X, X>(x, rowStride, weight, out, rows, dim, eps, rotation, rotatedRows,
                                  halfHeadDim, stream);
}

template <typename O>
int launchLayerNormModulate(const float* x, int64_t rowStride, const float* scale, const float* shift,
                            void* out, int64_t rows, int64_t dim, float eps, cudaStream_t stream)
{
    WAN_LAUNCH(unsigned(rows), rowThreads(dim), stream, layerNormModulateKernel<O>)
    (x, rowStride, scale, shift, static_cast<O*>(out), int(dim), eps);
    return int(cudaGetLastError());
}

} // namespace

int rmsNorm(const void* x, DType xType, int64_t rowStride, const void* weight, DType weightType, void* out,
            DType outType, int64_t rows, int64_t dim, float eps, const void* rotation, int64_t rotatedRows,
            int64_t halfHeadDim, void* stream)
{
    if (!rowsFit(rows, dim) || (weightType != DType::Float32 && weightType != xType) ||
        (outType != DType::Float32 && outType != xType) ||
        (rotation != nullptr && (halfHeadDim <= 0 || dim % (2 * halfHeadDim) != 0)))
        return int(cudaErrorInvalidValue);
    const auto s = static_cast<cudaStream_t>(stream);
    switch (xType) {
    case DType::Float32:
        return rmsNormFor<float>(x, rowStride, weight, weightType, out, outType, rows, dim, eps, rotation,
                                 rotatedRows, halfHeadDim, s);
    case DType::BFloat16:
        return rmsNormFor<__nv_bfloat16>(x, rowStride, weight, weightType, out, outType, rows, dim, eps,
                                         rotation, rotatedRows, halfHeadDim, s);
    case DType::Float16:
        return rmsNormFor<__half>(x, rowStride, weight, weightType, out, outType, rows, dim, eps, rotation,
                                  rotatedRows, halfHeadDim, s);
    }
    return int(cudaErrorInvalidValue);
}

int layerNormModulate(const float* x, int64_t rowStride, const float* scale, const float* shift, void* out,
                      DType outType, int64_t rows, int64_t dim, float eps, void* stream)
{
    if (!rowsFit(rows, dim))
        return int(cudaErrorInvalidValue);
    const auto s = static_cast<cudaStream_t>(stream);
    switch (outType) {
    case DType::Float32:
        return launchLayerNormModulate<float>(x, rowStride, scale, shift, out, rows, dim, eps, s);
    case DType::BFloat16:
        return launchLayerNormModulate<__nv_bfloat16>(x, rowStride, scale, shift, out, rows, dim, eps, s);
    case DType::Float16:
        return launchLayerNormModulate<__half>(x, rowStride, scale, shift, out, rows, dim, eps, s);
    }
    return int(cudaErrorInvalidValue);
}

int rotatePairs(float* tokens, const void* rotation, int64_t tokenCount, int64_t heads, int64_t halfHeadDim,
                void* stream)
{
    if (tokenCount < 0 || heads <= 0 || halfHeadDim <= 0)
        return int(cudaErrorInvalidValue);
    const int64_t pairs = tokenCount * heads * halfHeadDim;
    if (pairs == 0)
        return 0;
    constexpr unsigned threads = 256;
    const int64_t blocks = (pairs + threads - 1) / threads;
    WAN_LAUNCH(unsigned(blocks < 65535 ? blocks : 65535), threads, static_cast<cudaStream_t>(stream),
               rotatePairsKernel)
    (reinterpret_cast<float2*>(tokens), static_cast<const float2*>(rotation), pairs, heads * halfHeadDim,
     halfHeadDim);
    return int(cudaGetLastError());
}

const char* architectures()
{
    return WAN_CUDA_ARCHITECTURES;
}

} // namespace wan::dit::kernels
