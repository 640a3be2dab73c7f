#pragma once
// Writers for checkpoint files made inside tests, fuzz seeds and benchmarks: stored zip archives laid out
// like torch.save's, state-dict pickles, safetensors files. No torch, no Qt.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace wan::test {

// A stored (uncompressed) zip written to a seekable stream; record data starts 64-byte aligned like
// torch.save's. Records whose size or offset need it, or all of them with forceZip64, use zip64 fields.
class ZipWriter
{
public:
    explicit ZipWriter(std::ostream& out, bool forceZip64 = false) : m_out(out), m_forceZip64(forceZip64) {}

    void beginRecord(const std::string& name, std::uint64_t size);
    void write(const void* data, std::size_t size);
    void endRecord();
    void addRecord(const std::string& name, const std::string& data);
    void finish();

private:
    struct Entry
    {
        std::string name;
        std::uint64_t headerOffset = 0, size = 0;
        std::uint32_t crc = 0;
        bool zip64 = false;
    };
    std::ostream& m_out;
    bool m_forceZip64;
    std::vector<Entry> m_entries;
    std::uint64_t m_written = 0;
    std::uint32_t m_crc = 0;
};

// Pickle protocol 2 opcodes, appended to a byte string.
class PickleWriter
{
public:
    PickleWriter& proto(int version = 2);
    PickleWriter& op(char opcode);
    PickleWriter& mark() { return op('('); }
    PickleWriter& string(const std::string& s);
    PickleWriter& integer(std::int64_t v);
    PickleWriter& boolean(bool v) { return op(v ? '\x88' : '\x89'); }
    PickleWriter& global(const std::string& module, const std::string& name);
    PickleWriter& binput(int index);
    PickleWriter& stop() { return op('.'); }
    const std::string& bytes() const { return m_bytes; }

private:
    std::string m_bytes;
};

struct PthTensorSpec
{
    std::string name;
    std::string storageType = "FloatStorage"; // torch.<storageType>
    std::string storageKey;                   // defaults to the index
    std::vector<std::int64_t> shape;
    std::vector<std::int64_t> strides; // defaults to C order
    std::int64_t storageOffset = 0;
    std::int64_t storageNumel = -1; // defaults to the product of shape
};

// data.pkl of `torch.save(OrderedDict)` with a `_metadata` attribute, as torch writes it.
std::string stateDictPickle(const std::vector<PthTensorSpec>& tensors);

// A whole .pth archive ("<prefix>/data.pkl", "<prefix>/data/<key>", "<prefix>/version"); `storages` holds the
// raw bytes of each spec's storage in the same order (specs sharing a key need only one entry: the first).
std::string pthArchive(const std::string& prefix, const std::vector<PthTensorSpec>& tensors,
                       const std::vector<std::string>& storages, bool forceZip64 = false);

struct SafetensorsSpec
{
    std::string name;
    std::string dtype = "F32";
    std::vector<std::int64_t> shape;
    std::string data;
};

// A safetensors file with its tensors packed in order; header padded to 8 bytes.
std::string safetensorsFile(const std::vector<SafetensorsSpec>& tensors,
                            const std::string& metadataJson = "");
// A safetensors file from a raw header string (no validation), followed by `data`.
std::string safetensorsFromHeader(const std::string& header, const std::string& data);

std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc = 0);

} // namespace wan::test
