#include "io/RawIo.h"

#include "wan/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>

namespace wan::io {

namespace {

struct DTypeRow
{
    DType dtype;
    std::string_view name;
    std::size_t size;
    bool floating;
};

constexpr DTypeRow kDTypes[] = {
    {DType::F32, "F32", 4, true},    {DType::F16, "F16", 2, true},        {DType::BF16, "BF16", 2, true},
    {DType::F64, "F64", 8, true},    {DType::I64, "I64", 8, false},       {DType::I32, "I32", 4, false},
    {DType::I16, "I16", 2, false},   {DType::I8, "I8", 1, false},         {DType::U8, "U8", 1, false},
    {DType::Bool, "BOOL", 1, false}, {DType::F8E4M3, "F8_E4M3", 1, true}, {DType::F8E5M2, "F8_E5M2", 1, true},
};

const DTypeRow* row(DType dtype) noexcept
{
    for (const auto& r : kDTypes)
        if (r.dtype == dtype)
            return &r;
    return nullptr;
}

[[noreturn]] void corrupt(const std::string& fileName, const std::string& what)
{
    throw Error(ErrorKind::CorruptFile,
                "corrupt safetensors file " + fileName + ": " + what +
                    " (re-download the file; it may be truncated or not a safetensors file)");
}

std::uint64_t readLe64(const std::uint8_t* p)
{
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | p[i];
    return v;
}

} // namespace

std::size_t dtypeSize(DType dtype) noexcept
{
    const auto* r = row(dtype);
    return r ? r->size : 0;
}

std::string_view dtypeName(DType dtype) noexcept
{
    const auto* r = row(dtype);
    return r ? r->name : std::string_view("?");
}

bool dtypeIsFloating(DType dtype) noexcept
{
    const auto* r = row(dtype);
    return r && r->floating;
}

bool dtypeFromSafetensorsName(std::string_view name, DType& out) noexcept
{
    for (const auto& r : kDTypes) {
        if (r.name == name) {
            out = r.dtype;
            return true;
        }
    }
    return false;
}

std::uint64_t RawTensor::numel() const noexcept
{
    std::uint64_t n = 1;
    for (auto d : shape)
        n *= static_cast<std::uint64_t>(d);
    return n;
}

std::uint64_t checkedNumel(const std::vector<std::int64_t>& shape, const std::string& what)
{
    constexpr std::uint64_t kLimit = 1ull << 62;
    std::uint64_t n = 1;
    for (auto d : shape) {
        if (d < 0)
            throw Error(ErrorKind::CorruptFile, what + ": negative dimension " + std::to_string(d));
        const auto ud = static_cast<std::uint64_t>(d);
        if (ud != 0 && n > kLimit / ud)
            throw Error(ErrorKind::CorruptFile, what + ": shape too large (element count overflows)");
        n *= ud;
    }
    return n;
}

SafetensorsHeader parseSafetensorsHeader(const std::uint8_t* data, std::size_t size,
                                         const std::string& fileName)
{
    if (size < 8)
        corrupt(fileName,
                "file is " + std::to_string(size) + " bytes, shorter than the 8-byte header length");
    const std::uint64_t headerLen = readLe64(data);
    if (headerLen > kMaxSafetensorsHeaderBytes)
        corrupt(fileName, "header length " + std::to_string(headerLen) + " exceeds the 100 MB limit");
    if (headerLen > size - 8)
        corrupt(fileName, "header length " + std::to_string(headerLen) + " exceeds the file size " +
                              std::to_string(size));
    if (headerLen < 2)
        corrupt(fileName, "header is too short to be a JSON object");

    const char* begin = reinterpret_cast<const char*>(data + 8);
    const char* end = begin + headerLen;
    nlohmann::json header;
    try {
        // A depth limit keeps adversarial nesting from costing time or stack; a valid header has depth 3.
        nlohmann::json::parser_callback_t limitDepth = [](int depth, nlohmann::json::parse_event_t,
                                                          nlohmann::json&) {
            if (depth > 8)
                throw std::runtime_error("header JSON nested deeper than 8 levels");
            return true;
        };
        header = nlohmann::json::parse(begin, end, limitDepth);
    } catch (const std::exception& e) {
        corrupt(fileName, std::string("header is not valid JSON: ") + e.what());
    }
    if (!header.is_object())
        corrupt(fileName, "header is not a JSON object");

    SafetensorsHeader out;
    out.dataStart = 8 + headerLen;
    const std::uint64_t dataSize = size - out.dataStart;

    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string& name = it.key();
        const auto& value = it.value();
        if (name == "__metadata__") {
            if (!value.is_object())
                corrupt(fileName, "__metadata__ is not an object");
            for (auto m = value.begin(); m != value.end(); ++m) {
                if (!m.value().is_string())
                    corrupt(fileName, "__metadata__ value '" + m.key() + "' is not a string");
                out.metadata[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        const std::string what = "tensor '" + name + "'";
        if (!value.is_object())
            corrupt(fileName, what + " is not an object");
        const auto dt = value.find("dtype");
        const auto sh = value.find("shape");
        const auto off = value.find("data_offsets");
        if (dt == value.end() || !dt->is_string())
            corrupt(fileName, what + " has no dtype string");
        if (sh == value.end() || !sh->is_array())
            corrupt(fileName, what + " has no shape array");
        if (off == value.end() || !off->is_array() || off->size() != 2)
            corrupt(fileName, what + " has no data_offsets [begin, end]");

        RawTensor t;
        t.name = name;
        const auto dtypeStr = dt->get<std::string>();
        if (!dtypeFromSafetensorsName(dtypeStr, t.dtype))
            corrupt(fileName, what + " has unsupported dtype '" + dtypeStr + "'");
        if (sh->size() > 16)
            corrupt(fileName, what + " has more than 16 dimensions");
        for (const auto& d : *sh) {
            // nlohmann stores every non-negative integer as unsigned.
            if (!d.is_number_unsigned())
                corrupt(fileName, what + " has a negative or non-integer dimension");
            if (d.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                corrupt(fileName, what + " has a dimension that is too large");
            t.shape.push_back(d.get<std::int64_t>());
        }
        for (const auto& o : *off)
            if (!o.is_number_unsigned())
                corrupt(fileName, what + " has non-integer or negative data_offsets");
        const auto b = (*off)[0].get<std::uint64_t>();
        const auto e = (*off)[1].get<std::uint64_t>();
        if (b > e || e > dataSize)
            corrupt(fileName, what + " data_offsets [" + std::to_string(b) + ", " + std::to_string(e) +
                                  "] lie outside the data area of " + std::to_string(dataSize) + " bytes");
        std::uint64_t numel = 0;
        try {
            numel = checkedNumel(t.shape, what);
        } catch (const Error& err) {
            corrupt(fileName, err.what());
        }
        const std::uint64_t item = dtypeSize(t.dtype);
        if (numel > std::numeric_limits<std::uint64_t>::max() / item || numel * item != e - b)
            corrupt(fileName, what + " has " + std::to_string(e - b) +
                                  " data bytes but its shape and dtype need " +
                                  (numel > std::numeric_limits<std::uint64_t>::max() / item
                                       ? std::string("more than 2^64")
                                       : std::to_string(numel * item)));
        // C-order strides; with a zero dimension the product can exceed int64, so it saturates (no element is
        // ever addressed then).
        t.strides.assign(t.shape.size(), 1);
        unsigned __int128 stride = 1;
        for (int i = static_cast<int>(t.shape.size()) - 1; i >= 0; --i) {
            t.strides[i] = static_cast<std::int64_t>(
                std::min<unsigned __int128>(stride, std::numeric_limits<std::int64_t>::max()));
            stride = std::min<unsigned __int128>(stride * std::max<std::int64_t>(t.shape[i], 1),
                                                 std::numeric_limits<std::uint64_t>::max());
        }
        t.dataOffset = out.dataStart + b;
        t.dataBytes = e - b;
        out.tensors.push_back(std::move(t));
    }

    std::sort(out.tensors.begin(), out.tensors.end(), [](const RawTensor& x, const RawTensor& y) {
        return x.dataOffset != y.dataOffset ? x.dataOffset < y.dataOffset : x.dataBytes < y.dataBytes;
    });
    const RawTensor* furthest = nullptr; // the tensor reaching furthest so far
    for (const auto& cur : out.tensors) {
        if (cur.dataBytes == 0)
            continue;
        if (furthest && furthest->dataOffset + furthest->dataBytes > cur.dataOffset)
            corrupt(fileName, "tensors '" + furthest->name + "' and '" + cur.name + "' overlap");
        if (!furthest || cur.dataOffset + cur.dataBytes > furthest->dataOffset + furthest->dataBytes)
            furthest = &cur;
    }
    return out;
}

std::map<std::string, std::string> readDitIndex(const std::filesystem::path& indexFile)
{
    std::ifstream in(indexFile, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::ModelFolder, "cannot read " + indexFile.string());
    nlohmann::json index;
    try {
        index = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
        throw Error(ErrorKind::CorruptFile, indexFile.string() + " is not valid JSON: " + e.what());
    }
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
        throw Error(ErrorKind::CorruptFile, indexFile.string() + " has no \"weight_map\" object");
    std::map<std::string, std::string> map;
    for (auto it = index["weight_map"].begin(); it != index["weight_map"].end(); ++it) {
        if (!it.value().is_string())
            throw Error(ErrorKind::CorruptFile,
                        indexFile.string() + ": weight_map entry '" + it.key() + "' is not a file name");
        const auto shard = it.value().get<std::string>();
        // Shards must be plain names inside the model folder.
        if (shard.empty() || shard.find('/') != std::string::npos || shard.find('\\') != std::string::npos ||
            shard == "." || shard == "..")
            throw Error(ErrorKind::CorruptFile, indexFile.string() + ": shard name '" + shard +
                                                    "' is not a file name in the model folder");
        map.emplace(it.key(), shard);
    }
    if (map.empty())
        throw Error(ErrorKind::CorruptFile, indexFile.string() + ": weight_map is empty");
    return map;
}

} // namespace wan::io
