#pragma once
// Checkpoint parsing without torch: safetensors headers, stored zip archives and the restricted unpickler of
// torch.save files. Everything here validates untrusted bytes and throws wan::Error(CorruptFile) naming the
// file; nothing reads tensor data. Fuzzed (tests/fuzz) and built with sanitizers
// (tests/scripts/run_sanitizers.sh).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace wan::io {

enum class DType
{
    F32 = 1,
    F16,
    BF16,
    F64,
    I64,
    I32,
    I16,
    I8,
    U8,
    Bool,
    F8E4M3, // torch::kFloat8_e4m3fn
    F8E5M2,
};

std::size_t dtypeSize(DType dtype) noexcept;
// Safetensors spelling: "F32", "BF16", "F8_E4M3", ...
std::string_view dtypeName(DType dtype) noexcept;
bool dtypeIsFloating(DType dtype) noexcept;
// Returns false for unknown names.
bool dtypeFromSafetensorsName(std::string_view name, DType& out) noexcept;

// Where one tensor lives inside a file, validated against the file size. Shapes/strides are in elements.
struct RawTensor
{
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::vector<std::int64_t> strides; // C order for safetensors; from the pickle for .pth
    std::int64_t storageOffset = 0;    // elements from `dataOffset`
    std::uint64_t dataOffset = 0;      // file offset of the storage
    std::uint64_t dataBytes = 0;       // bytes of the storage
    std::string storageKey;            // .pth: the zip record key ("0", "1", ...); empty for safetensors

    std::uint64_t numel() const noexcept;
};

// ---- safetensors ----------------------------------------------------------------------------------------

inline constexpr std::uint64_t kMaxSafetensorsHeaderBytes = 100ull * 1024 * 1024;

struct SafetensorsHeader
{
    std::vector<RawTensor> tensors; // in file order of data offsets
    std::map<std::string, std::string> metadata;
    std::uint64_t dataStart = 0; // 8 + header length
};

// `fileName` only names the file in error messages.
SafetensorsHeader parseSafetensorsHeader(const std::uint8_t* data, std::size_t size,
                                         const std::string& fileName);

// diffusion_pytorch_model.safetensors.index.json: tensor name -> shard file name (validated to be a plain
// file name). Throws ModelFolder when unreadable, CorruptFile when malformed.
std::map<std::string, std::string> readDitIndex(const std::filesystem::path& indexFile);

// ---- zip (stored entries, zip64) -------------------------------------------------------------------------

struct ZipEntry
{
    std::string name;
    std::uint16_t method = 0;     // 0 = stored; anything else cannot be mapped
    std::uint64_t dataOffset = 0; // of the entry's bytes, validated to lie inside the file
    std::uint64_t size = 0;       // compressed size (== uncompressed size for stored entries)
    std::uint64_t uncompressedSize = 0;
};

std::vector<ZipEntry> readZipDirectory(const std::uint8_t* data, std::size_t size,
                                       const std::string& fileName);

// ---- torch.save archives ---------------------------------------------------------------------------------

struct PthArchive
{
    std::string prefix;             // "<stem>" of "<stem>/data.pkl"
    std::vector<RawTensor> tensors; // state dict order; names of nested dicts are joined with '.'
};

// Limits of the unpickler, far above what a state dict needs.
inline constexpr std::size_t kMaxPickleBytes = 512ull * 1024 * 1024;
inline constexpr std::size_t kMaxPickleStack = 1u << 16;
inline constexpr std::size_t kMaxPickleMemo = 1u << 21;
inline constexpr std::size_t kMaxPickleValues = 1u << 22;
inline constexpr int kMaxStateDictDepth = 8;
// A hostile pickle can name a memoised string again and again for a few bytes each; these bound what the
// names of the state dict may cost, whatever the pickle references.
inline constexpr std::size_t kMaxTensorNameBytes = 1024; // joined name ("blocks.0.attn.q.weight")
inline constexpr std::size_t kMaxStorageKeyBytes = 256;  // torch writes "0", "1", ...
inline constexpr std::size_t kMaxPthTensors = 1u << 16;
// Bytes of names, storage keys and shapes the parse may produce: this many per pickle byte, plus the base.
inline constexpr std::size_t kPickleBudgetPerByte = 32;
inline constexpr std::size_t kPickleBudgetBaseBytes = 1u << 20;

// Parses the pickle bytes of data.pkl into tensors whose storages are named by key (dataOffset/dataBytes left
// 0). Only the globals a state dict needs are allowed; any other one throws CorruptFile ("refuses global
// 'x.y'") before anything happens. Duplicate names, names or storage keys over the limits above, more than
// kMaxPthTensors tensors, or more than the byte budget throw CorruptFile while parsing.
PthArchive unpickleStateDict(const std::uint8_t* data, std::size_t size, const std::string& fileName);

// Zip directory + data.pkl + every storage record, all validated (storage sizes, strides, offsets; tensors
// sharing a storage must declare it with the same dtype and size).
PthArchive parsePthArchive(const std::uint8_t* data, std::size_t size, const std::string& fileName);

// Number of elements of an [shape] tensor, or throws CorruptFile when it overflows 2^62.
std::uint64_t checkedNumel(const std::vector<std::int64_t>& shape, const std::string& what);

} // namespace wan::io
