#include "io/RawGguf.h"

#include "io/RawIo.h"
#include "wan/Error.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <set>

namespace wan::io {

namespace {

constexpr std::uint32_t kQkK = 256;

// Block sizes from gguf-py constants.GGML_QUANT_SIZES.
constexpr GgmlTypeInfo kGgmlTypes[] = {
    {GgmlType::F32, "F32", 1, 4, true},
    {GgmlType::F16, "F16", 1, 2, true},
    {GgmlType::Q4_0, "Q4_0", 32, 2 + 16, true},
    {GgmlType::Q4_1, "Q4_1", 32, 2 + 2 + 16, true},
    {GgmlType::Q5_0, "Q5_0", 32, 2 + 4 + 16, true},
    {GgmlType::Q5_1, "Q5_1", 32, 2 + 2 + 4 + 16, true},
    {GgmlType::Q8_0, "Q8_0", 32, 2 + 32, true},
    {GgmlType::Q8_1, "Q8_1", 32, 4 + 4 + 32, false},
    {GgmlType::Q2_K, "Q2_K", kQkK, 2 + 2 + kQkK / 16 + kQkK / 4, true},
    {GgmlType::Q3_K, "Q3_K", kQkK, 2 + kQkK / 4 + kQkK / 8 + 12, true},
    {GgmlType::Q4_K, "Q4_K", kQkK, 2 + 2 + kQkK / 2 + 12, true},
    {GgmlType::Q5_K, "Q5_K", kQkK, 2 + 2 + kQkK / 2 + kQkK / 8 + 12, true},
    {GgmlType::Q6_K, "Q6_K", kQkK, 2 + kQkK / 2 + kQkK / 4 + kQkK / 16, true},
    {GgmlType::Q8_K, "Q8_K", kQkK, 4 + kQkK + kQkK / 8, false},
    {GgmlType::IQ2_XXS, "IQ2_XXS", kQkK, 2 + kQkK / 4, false},
    {GgmlType::IQ2_XS, "IQ2_XS", kQkK, 2 + kQkK / 4 + kQkK / 32, false},
    {GgmlType::IQ3_XXS, "IQ3_XXS", kQkK, 2 + kQkK / 4 + kQkK / 8, false},
    {GgmlType::IQ1_S, "IQ1_S", kQkK, 2 + kQkK / 8 + kQkK / 16, false},
    {GgmlType::IQ4_NL, "IQ4_NL", 32, 2 + 16, false},
    {GgmlType::IQ3_S, "IQ3_S", kQkK, 2 + kQkK / 4 + kQkK / 8 + kQkK / 32 + 4, false},
    {GgmlType::IQ2_S, "IQ2_S", kQkK, 2 + kQkK / 4 + kQkK / 16, false},
    {GgmlType::IQ4_XS, "IQ4_XS", kQkK, 2 + 2 + kQkK / 2 + kQkK / 64, false},
    {GgmlType::I8, "I8", 1, 1, false},
    {GgmlType::I16, "I16", 1, 2, false},
    {GgmlType::I32, "I32", 1, 4, false},
    {GgmlType::I64, "I64", 1, 8, false},
    {GgmlType::F64, "F64", 1, 8, false},
    {GgmlType::IQ1_M, "IQ1_M", kQkK, kQkK / 8 + kQkK / 16 + kQkK / 32, false},
    {GgmlType::BF16, "BF16", 1, 2, true},
    {GgmlType::TQ1_0, "TQ1_0", kQkK, 2 + 4 * 13, false},
    {GgmlType::TQ2_0, "TQ2_0", kQkK, 2 + 64, false},
    {GgmlType::MXFP4, "MXFP4", 32, 1 + 16, false},
};

[[noreturn]] void corrupt(const std::string& fileName, const std::string& what)
{
    throw Error(ErrorKind::CorruptFile,
                "corrupt GGUF file " + fileName + ": " + what +
                    " (re-download the file; it may be truncated or not a GGUF file)");
}

// Sequential little-endian reads over untrusted bytes; every read is bounds-checked.
class Cursor
{
public:
    Cursor(const std::uint8_t* data, std::size_t size, const std::string& fileName)
        : m_data(data), m_size(size), m_fileName(fileName)
    {
    }

    std::uint64_t pos() const noexcept { return m_pos; }
    std::uint64_t left() const noexcept { return m_size - m_pos; }

    const std::uint8_t* take(std::uint64_t n, const char* what)
    {
        if (n > left())
            corrupt(m_fileName, std::string("file ends inside ") + what + " at offset " +
                                    std::to_string(m_pos) + " (needs " + std::to_string(n) + " bytes, " +
                                    std::to_string(left()) + " left)");
        const auto* p = m_data + m_pos;
        m_pos += n;
        return p;
    }

    template <typename T> T read(const char* what)
    {
        const auto* p = take(sizeof(T), what);
        T v;
        std::memcpy(&v, p, sizeof(T)); // GGUF is little-endian, like every machine we build for
        return v;
    }

    std::string string(std::uint64_t maxBytes, const char* what)
    {
        const auto n = read<std::uint64_t>(what);
        if (n > maxBytes)
            corrupt(m_fileName, std::string(what) + " at offset " + std::to_string(m_pos - 8) + " is " +
                                    std::to_string(n) + " bytes, over the limit of " +
                                    std::to_string(maxBytes));
        const auto* p = take(n, what);
        return std::string(reinterpret_cast<const char*>(p), n);
    }

    const std::string& fileName() const noexcept { return m_fileName; }

private:
    const std::uint8_t* m_data;
    std::uint64_t m_size;
    std::uint64_t m_pos = 0;
    const std::string& m_fileName;
};

std::uint64_t scalarBytes(GgufValueType type)
{
    switch (type) {
    case GgufValueType::UInt8:
    case GgufValueType::Int8:
    case GgufValueType::Bool:
        return 1;
    case GgufValueType::UInt16:
    case GgufValueType::Int16:
        return 2;
    case GgufValueType::UInt32:
    case GgufValueType::Int32:
    case GgufValueType::Float32:
        return 4;
    case GgufValueType::UInt64:
    case GgufValueType::Int64:
    case GgufValueType::Float64:
        return 8;
    case GgufValueType::String:
    case GgufValueType::Array:
        return 0;
    }
    return 0;
}

bool validValueType(std::uint32_t t) noexcept
{
    return t <= static_cast<std::uint32_t>(GgufValueType::Float64);
}

void readScalar(Cursor& c, GgufValueType type, GgufValue& v, const std::string& key)
{
    const char* what = "a metadata value";
    switch (type) {
    case GgufValueType::UInt8:
        v.u = c.read<std::uint8_t>(what);
        v.f = double(v.u);
        break;
    case GgufValueType::Int8:
        v.i = c.read<std::int8_t>(what);
        v.f = double(v.i);
        break;
    case GgufValueType::UInt16:
        v.u = c.read<std::uint16_t>(what);
        v.f = double(v.u);
        break;
    case GgufValueType::Int16:
        v.i = c.read<std::int16_t>(what);
        v.f = double(v.i);
        break;
    case GgufValueType::UInt32:
        v.u = c.read<std::uint32_t>(what);
        v.f = double(v.u);
        break;
    case GgufValueType::Int32:
        v.i = c.read<std::int32_t>(what);
        v.f = double(v.i);
        break;
    case GgufValueType::UInt64:
        v.u = c.read<std::uint64_t>(what);
        v.f = double(v.u);
        break;
    case GgufValueType::Int64:
        v.i = c.read<std::int64_t>(what);
        v.f = double(v.i);
        break;
    case GgufValueType::Float32:
        v.f = c.read<float>(what);
        break;
    case GgufValueType::Float64:
        v.f = c.read<double>(what);
        break;
    case GgufValueType::Bool: {
        const auto b = c.read<std::uint8_t>(what);
        if (b > 1)
            corrupt(c.fileName(), "metadata '" + key + "' has a bool value " + std::to_string(b));
        v.b = b != 0;
        v.f = b;
        break;
    }
    case GgufValueType::String:
        v.s = c.string(kMaxGgufStringBytes, "a metadata string");
        break;
    case GgufValueType::Array:
        break;
    }
}

void readValue(Cursor& c, GgufValueType type, GgufValue& v, const std::string& key, int depth)
{
    v.type = type;
    if (type != GgufValueType::Array) {
        readScalar(c, type, v, key);
        return;
    }
    if (depth >= kMaxGgufArrayDepth)
        corrupt(c.fileName(), "metadata '" + key + "' nests arrays deeper than " +
                                  std::to_string(kMaxGgufArrayDepth) + " levels");
    const auto elem = c.read<std::uint32_t>("an array type");
    if (!validValueType(elem))
        corrupt(c.fileName(), "metadata '" + key + "' has an array of unknown type " + std::to_string(elem));
    v.elementType = static_cast<GgufValueType>(elem);
    const auto n = c.read<std::uint64_t>("an array length");
    // Every element takes at least one byte of the file (strings 8, arrays 12): a count larger than what is
    // left cannot be honest, and checking it first keeps the loops below bounded by the file size.
    const std::uint64_t minBytes = v.elementType == GgufValueType::String  ? 8
                                   : v.elementType == GgufValueType::Array ? 12
                                                                           : scalarBytes(v.elementType);
    if (n > kMaxGgufArrayElements || n > c.left() / minBytes)
        corrupt(c.fileName(), "metadata '" + key + "' declares " + std::to_string(n) +
                                  " array elements, more than the file holds");
    v.count = n;
    if (v.elementType == GgufValueType::String) {
        v.strings.reserve(n);
        for (std::uint64_t k = 0; k < n; ++k)
            v.strings.push_back(c.string(kMaxGgufStringBytes, "a metadata string"));
    } else if (v.elementType == GgufValueType::Array) {
        v.arrays.resize(n);
        for (auto& child : v.arrays)
            readValue(c, GgufValueType::Array, child, key, depth + 1);
    } else {
        v.numbers.reserve(n);
        for (std::uint64_t k = 0; k < n; ++k) {
            GgufValue item;
            readScalar(c, v.elementType, item, key);
            v.numbers.push_back(item.f);
        }
    }
}

std::uint64_t alignUp(std::uint64_t x, std::uint64_t a)
{
    return (x + a - 1) / a * a;
}

} // namespace

const GgmlTypeInfo* ggmlTypeInfo(std::uint32_t type) noexcept
{
    for (const auto& t : kGgmlTypes)
        if (static_cast<std::uint32_t>(t.type) == type)
            return &t;
    return nullptr;
}

std::string_view ggufValueTypeName(GgufValueType type) noexcept
{
    static constexpr std::string_view kNames[] = {"uint8",  "int8",    "uint16", "int16",  "uint32",
                                                  "int32",  "float32", "bool",   "string", "array",
                                                  "uint64", "int64",   "float64"};
    const auto i = static_cast<std::uint32_t>(type);
    return i < std::size(kNames) ? kNames[i] : std::string_view("?");
}

std::optional<std::uint64_t> GgufValue::asUnsigned() const
{
    switch (type) {
    case GgufValueType::UInt8:
    case GgufValueType::UInt16:
    case GgufValueType::UInt32:
    case GgufValueType::UInt64:
        return u;
    case GgufValueType::Int8:
    case GgufValueType::Int16:
    case GgufValueType::Int32:
    case GgufValueType::Int64:
        if (i >= 0)
            return static_cast<std::uint64_t>(i);
        return std::nullopt;
    default:
        return std::nullopt;
    }
}

const GgufValue* GgufFile::find(std::string_view key) const
{
    const auto it = metadata.find(std::string(key));
    return it == metadata.end() ? nullptr : &it->second;
}

std::string GgufFile::architecture() const
{
    const auto* v = find("general.architecture");
    return v && v->type == GgufValueType::String ? v->s : std::string();
}

std::vector<std::int64_t> GgufFile::realShape(const GgufTensorInfo& tensor, const std::string& fileName) const
{
    const auto* orig = find("comfy.gguf.orig_shape." + tensor.name);
    if (!orig)
        return tensor.shape;
    std::vector<std::int64_t> real;
    std::uint64_t numel = 1;
    bool valid = orig->type == GgufValueType::Array && !orig->numbers.empty() && orig->numbers.size() <= 8;
    for (const double d : orig->numbers) {
        if (!valid || !(d >= 1.0 && d <= 1e12) || d != double(std::int64_t(d))) {
            valid = false;
            break;
        }
        real.push_back(std::int64_t(d));
        numel *= std::uint64_t(d);
        valid = numel <= tensor.numel;
    }
    if (!valid || numel != tensor.numel)
        throw Error(ErrorKind::CorruptFile, fileName + ": comfy.gguf.orig_shape." + tensor.name +
                                                " does not fit the tensor's " + std::to_string(tensor.numel) +
                                                " elements");
    return real;
}

bool looksLikeGguf(const std::uint8_t* data, std::size_t size) noexcept
{
    return size >= 4 && std::memcmp(data, "GGUF", 4) == 0;
}

GgufFile parseGguf(const std::uint8_t* data, std::size_t size, const std::string& fileName)
{
    if (!looksLikeGguf(data, size))
        corrupt(fileName, "it does not start with the GGUF magic");
    Cursor c(data, size, fileName);
    c.take(4, "the magic");
    GgufFile out;
    out.version = c.read<std::uint32_t>("the version");
    if (out.version == 1)
        corrupt(fileName,
                "GGUF version 1 (2023) is not supported; convert the model again with a current tool");
    if (out.version != 2 && out.version != 3) {
        // A big-endian file reads as a huge number here.
        if ((out.version & 0xFFFFu) == 0 && out.version != 0)
            corrupt(fileName, "it is a big-endian GGUF file, which is not supported");
        corrupt(fileName, "unknown GGUF version " + std::to_string(out.version) + " (2 and 3 are supported)");
    }
    const auto tensorCount = c.read<std::uint64_t>("the tensor count");
    const auto kvCount = c.read<std::uint64_t>("the metadata count");
    // Minimum sizes: a key/value pair is 8 + 1 + 4 + 1 bytes, a tensor info 8 + 1 + 4 + 8 + 4 + 8.
    if (kvCount > kMaxGgufMetadata || kvCount > c.left() / 14)
        corrupt(fileName,
                "it declares " + std::to_string(kvCount) + " metadata entries, more than the file holds");
    if (tensorCount > kMaxGgufTensors || tensorCount > c.left() / 33)
        corrupt(fileName,
                "it declares " + std::to_string(tensorCount) + " tensors, more than the file holds");

    for (std::uint64_t k = 0; k < kvCount; ++k) {
        auto key = c.string(kMaxGgufKeyBytes, "a metadata key");
        if (key.empty())
            corrupt(fileName, "metadata entry " + std::to_string(k) + " has an empty key");
        const auto type = c.read<std::uint32_t>("a metadata type");
        if (!validValueType(type))
            corrupt(fileName, "metadata '" + key + "' has unknown type " + std::to_string(type));
        GgufValue value;
        readValue(c, static_cast<GgufValueType>(type), value, key, 0);
        if (out.metadata.count(key))
            corrupt(fileName, "metadata key '" + key + "' appears twice");
        out.metadata.emplace(std::move(key), std::move(value));
    }

    if (const auto* a = out.find("general.alignment")) {
        if (a->type != GgufValueType::UInt32)
            corrupt(fileName, std::string("general.alignment is a ") +
                                  std::string(ggufValueTypeName(a->type)) + ", not a uint32");
        if (a->u == 0 || (a->u & (a->u - 1)) != 0)
            corrupt(fileName, "general.alignment " + std::to_string(a->u) + " is not a power of two");
        out.alignment = static_cast<std::uint32_t>(a->u);
    }

    std::set<std::string> names;
    out.tensors.reserve(tensorCount);
    for (std::uint64_t k = 0; k < tensorCount; ++k) {
        GgufTensorInfo t;
        t.name = c.string(kMaxTensorNameBytes, "a tensor name");
        if (t.name.empty())
            corrupt(fileName, "tensor " + std::to_string(k) + " has an empty name");
        const std::string what = "tensor '" + t.name + "'";
        const auto nDims = c.read<std::uint32_t>("a tensor's dimension count");
        if (nDims > kMaxGgufDims)
            corrupt(fileName, what + " has " + std::to_string(nDims) + " dimensions (at most 4)");
        std::vector<std::int64_t> ne(nDims);
        for (auto& d : ne) {
            const auto v = c.read<std::uint64_t>("a tensor's dimensions");
            if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                corrupt(fileName, what + " has a dimension that is too large");
            d = static_cast<std::int64_t>(v);
        }
        t.type = c.read<std::uint32_t>("a tensor's type");
        const auto* info = ggmlTypeInfo(t.type);
        if (!info)
            corrupt(fileName, what + " has unknown ggml type " + std::to_string(t.type));
        const auto relOffset = c.read<std::uint64_t>("a tensor's offset");
        t.shape.assign(ne.rbegin(), ne.rend());
        try {
            t.numel = checkedNumel(t.shape, what);
        } catch (const Error& e) {
            corrupt(fileName, e.what());
        }
        const std::uint64_t rowElements = ne.empty() ? 1 : static_cast<std::uint64_t>(ne[0]);
        if (rowElements % info->blockElements != 0)
            corrupt(fileName, what + " has rows of " + std::to_string(rowElements) +
                                  " elements, not a multiple of the " + std::string(info->name) +
                                  " block of " + std::to_string(info->blockElements));
        const std::uint64_t blocks = t.numel / info->blockElements;
        if (blocks > std::numeric_limits<std::uint64_t>::max() / info->blockBytes)
            corrupt(fileName, what + " is too large");
        t.dataBytes = blocks * info->blockBytes;
        if (relOffset % out.alignment != 0)
            corrupt(fileName, what + " data offset " + std::to_string(relOffset) +
                                  " is not a multiple of the alignment " + std::to_string(out.alignment));
        t.dataOffset = relOffset; // made absolute below, once the data area is known
        if (!names.insert(t.name).second)
            corrupt(fileName, what + " appears twice");
        out.tensors.push_back(std::move(t));
    }

    out.dataStart = alignUp(c.pos(), out.alignment);
    if (out.dataStart > size) {
        if (!out.tensors.empty())
            corrupt(fileName, "the tensor data area starts at " + std::to_string(out.dataStart) +
                                  ", past the end of the file (" + std::to_string(size) + " bytes)");
        out.dataStart = size;
    }
    const std::uint64_t dataSize = size - out.dataStart;
    for (auto& t : out.tensors) {
        if (t.dataOffset > dataSize || t.dataBytes > dataSize - t.dataOffset)
            corrupt(fileName, "tensor '" + t.name + "' data [" + std::to_string(t.dataOffset) + ", +" +
                                  std::to_string(t.dataBytes) + ") lies outside the data area of " +
                                  std::to_string(dataSize) + " bytes");
        t.dataOffset += out.dataStart;
    }
    std::vector<const GgufTensorInfo*> order;
    order.reserve(out.tensors.size());
    for (const auto& t : out.tensors)
        if (t.dataBytes > 0)
            order.push_back(&t);
    std::sort(order.begin(), order.end(),
              [](const GgufTensorInfo* a, const GgufTensorInfo* b) { return a->dataOffset < b->dataOffset; });
    for (std::size_t k = 1; k < order.size(); ++k)
        if (order[k - 1]->dataOffset + order[k - 1]->dataBytes > order[k]->dataOffset)
            corrupt(fileName, "tensors '" + order[k - 1]->name + "' and '" + order[k]->name + "' overlap");
    return out;
}

} // namespace wan::io
