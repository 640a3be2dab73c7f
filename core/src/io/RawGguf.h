#pragma once
// GGUF (llama.cpp's single-file format, used by city96's Wan quantisations) without torch: header, metadata,
// alignment and tensor infos, all validated against the file; plus the block dequantisers of the quantisation
// types Wan files use. Untrusted input like the other raw parsers: every count, length, shape and offset is
// checked and a bad file throws wan::Error(CorruptFile) naming it. Fuzzed (tests/fuzz/fuzz_gguf.cpp).

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wan::io {

// ggml's type numbers (gguf-py constants.GGMLQuantizationType). Only the ones named here are known; gaps are
// types ggml removed.
enum class GgmlType : std::uint32_t
{
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    IQ2_XXS = 16,
    IQ2_XS = 17,
    IQ3_XXS = 18,
    IQ1_S = 19,
    IQ4_NL = 20,
    IQ3_S = 21,
    IQ2_S = 22,
    IQ4_XS = 23,
    I8 = 24,
    I16 = 25,
    I32 = 26,
    I64 = 27,
    F64 = 28,
    IQ1_M = 29,
    BF16 = 30,
    TQ1_0 = 34,
    TQ2_0 = 35,
    MXFP4 = 39,
};

struct GgmlTypeInfo
{
    GgmlType type;
    std::string_view name;       // "Q4_K"
    std::uint32_t blockElements; // elements per block (1 for plain types)
    std::uint32_t blockBytes;    // bytes per block
    bool dequantizable;          // dequantizeGgml() handles it
};

// Null for a type number ggml does not define (or no longer defines).
const GgmlTypeInfo* ggmlTypeInfo(std::uint32_t type) noexcept;

// ---- metadata --------------------------------------------------------------------------------------------

enum class GgufValueType : std::uint32_t
{
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
};

std::string_view ggufValueTypeName(GgufValueType type) noexcept;

// One metadata value. Scalars fill the member of their kind (unsigned types `u`, signed `i`, floats `f`, bool
// `b`, strings `s`); arrays of scalars keep their elements as numbers in `numbers` (converted to double:
// enough for the flags and sizes a loader reads), arrays of strings in `strings`, arrays of arrays in
// `arrays`.
struct GgufValue
{
    GgufValueType type = GgufValueType::UInt8;
    std::uint64_t u = 0;
    std::int64_t i = 0;
    double f = 0.0;
    bool b = false;
    std::string s;
    GgufValueType elementType = GgufValueType::UInt8; // arrays
    std::uint64_t count = 0;                          // arrays: number of elements
    std::vector<double> numbers;
    std::vector<std::string> strings;
    std::vector<GgufValue> arrays;

    // The value as an unsigned integer when it is a non-negative integer scalar.
    std::optional<std::uint64_t> asUnsigned() const;
};

// ---- file ------------------------------------------------------------------------------------------------

struct GgufTensorInfo
{
    std::string name;
    std::uint32_t type = 0;          // GgmlType number, known (ggmlTypeInfo() is non-null)
    std::vector<std::int64_t> shape; // torch order (outermost first): GGUF's ne[] reversed
    std::uint64_t numel = 0;
    std::uint64_t dataOffset = 0; // absolute file offset of the first block
    std::uint64_t dataBytes = 0;  // bytes of all blocks
};

inline constexpr std::uint32_t kGgufDefaultAlignment = 32;
inline constexpr std::uint64_t kMaxGgufTensors = 1u << 20;
inline constexpr std::uint64_t kMaxGgufMetadata = 1u << 20;     // key/value pairs
inline constexpr std::uint64_t kMaxGgufStringBytes = 64u << 20; // one string value
inline constexpr std::uint64_t kMaxGgufKeyBytes = 65535;
inline constexpr std::uint64_t kMaxGgufArrayElements = 1u << 26;
inline constexpr int kMaxGgufArrayDepth = 4;
inline constexpr std::uint32_t kMaxGgufDims = 4; // GGML_MAX_DIMS

struct GgufFile
{
    std::uint32_t version = 0; // 2 or 3
    std::uint32_t alignment = kGgufDefaultAlignment;
    std::uint64_t dataStart = 0; // file offset of the tensor data area
    std::map<std::string, GgufValue> metadata;
    std::vector<GgufTensorInfo> tensors; // file order

    const GgufValue* find(std::string_view key) const;
    // metadata "general.architecture" when it is a string, else empty.
    std::string architecture() const;
    // The tensor's real shape (torch order): ComfyUI-GGUF stores some tensors flattened (rows of 256 for the
    // K types, 5-D convolutions as 4-D) and records their shape as "comfy.gguf.orig_shape.<name>". Throws
    // wan::Error(CorruptFile) naming `fileName` when that record does not fit the tensor.
    std::vector<std::int64_t> realShape(const GgufTensorInfo& tensor, const std::string& fileName) const;
};

// True when the bytes start with the GGUF magic.
bool looksLikeGguf(const std::uint8_t* data, std::size_t size) noexcept;

// Parses and validates the whole header (not the tensor data). `fileName` only names the file in messages.
GgufFile parseGguf(const std::uint8_t* data, std::size_t size, const std::string& fileName);

// ---- dequantisation --------------------------------------------------------------------------------------

// Decodes `count` elements stored as `type` at `src` (exactly `srcBytes` bytes: count / blockElements blocks)
// into floats, with the arithmetic of gguf-py's dequantisers (bit-identical results). Throws
// wan::Error(CorruptFile) when the sizes do not match and Error(ModelFolder) for a type it cannot decode.
void dequantizeGgml(std::uint32_t type, const std::uint8_t* src, std::uint64_t srcBytes, float* dst,
                    std::uint64_t count);

float halfToFloat(std::uint16_t bits) noexcept;
float bfloat16ToFloat(std::uint16_t bits) noexcept;

} // namespace wan::io
