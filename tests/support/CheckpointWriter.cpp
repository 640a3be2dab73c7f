#include "support/CheckpointWriter.h"

#include <array>
#include <sstream>
#include <stdexcept>

namespace wan::test {

namespace {

void putLe(std::string& s, std::uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::string shapeJson(const std::vector<std::int64_t>& shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i)
            s += ',';
        s += std::to_string(shape[i]);
    }
    s += ']';
    return s;
}

std::int64_t product(const std::vector<std::int64_t>& shape)
{
    std::int64_t n = 1;
    for (auto d : shape)
        n *= d;
    return n;
}

} // namespace

std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc)
{
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    crc = ~crc;
    const auto* p = static_cast<const std::uint8_t*>(data);
    for (std::size_t i = 0; i < size; ++i)
        crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

void ZipWriter::beginRecord(const std::string& name, std::uint64_t size)
{
    Entry e;
    e.name = name;
    e.size = size;
    e.headerOffset = m_written;
    e.zip64 = m_forceZip64 || size >= 0xFFFFFFFFull || m_written >= 0xFFFFFFFFull;
    std::string h;
    putLe(h, 0x04034b50, 4);
    putLe(h, e.zip64 ? 45 : 20, 2); // version needed
    putLe(h, 0, 2);                 // flags
    putLe(h, 0, 2);                 // stored
    putLe(h, 0, 4);                 // time, date
    putLe(h, 0, 4);                 // crc, patched in endRecord
    putLe(h, e.zip64 ? 0xFFFFFFFFull : size, 4);
    putLe(h, e.zip64 ? 0xFFFFFFFFull : size, 4);
    putLe(h, name.size(), 2);
    std::string extra;
    if (e.zip64) {
        putLe(extra, 0x0001, 2);
        putLe(extra, 16, 2);
        putLe(extra, size, 8);
        putLe(extra, size, 8);
    }
    // Padding extra field so that the data starts 64-byte aligned.
    const std::uint64_t dataAt = m_written + 30 + name.size() + extra.size() + 4;
    const std::uint64_t pad = (64 - dataAt % 64) % 64;
    putLe(extra, 0x4246, 2); // "FB"
    putLe(extra, pad, 2);
    extra.append(pad, 'Z');
    putLe(h, extra.size(), 2);
    h += name;
    h += extra;
    m_out.write(h.data(), static_cast<std::streamsize>(h.size()));
    m_written += h.size();
    m_crc = 0;
    m_entries.push_back(e);
}

void ZipWriter::write(const void* data, std::size_t size)
{
    m_crc = crc32(data, size, m_crc);
    m_out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    m_written += size;
}

void ZipWriter::endRecord()
{
    auto& e = m_entries.back();
    e.crc = m_crc;
    const auto end = m_out.tellp();
    m_out.seekp(static_cast<std::streamoff>(e.headerOffset + 14));
    std::string c;
    putLe(c, e.crc, 4);
    m_out.write(c.data(), 4);
    m_out.seekp(end);
}

void ZipWriter::addRecord(const std::string& name, const std::string& data)
{
    beginRecord(name, data.size());
    write(data.data(), data.size());
    endRecord();
}

void ZipWriter::finish()
{
    const std::uint64_t cdOffset = m_written;
    std::string cd;
    for (const auto& e : m_entries) {
        const bool offset64 = m_forceZip64 || e.headerOffset >= 0xFFFFFFFFull;
        const bool size64 = e.zip64;
        std::string extra;
        if (size64 || offset64) {
            putLe(extra, 0x0001, 2);
            putLe(extra, (size64 ? 16 : 0) + (offset64 ? 8 : 0), 2);
            if (size64) {
                putLe(extra, e.size, 8);
                putLe(extra, e.size, 8);
            }
            if (offset64)
                putLe(extra, e.headerOffset, 8);
        }
        putLe(cd, 0x02014b50, 4);
        putLe(cd, 45, 2); // made by
        putLe(cd, size64 || offset64 ? 45 : 20, 2);
        putLe(cd, 0, 2);
        putLe(cd, 0, 2);
        putLe(cd, 0, 4);
        putLe(cd, e.crc, 4);
        putLe(cd, size64 ? 0xFFFFFFFFull : e.size, 4);
        putLe(cd, size64 ? 0xFFFFFFFFull : e.size, 4);
        putLe(cd, e.name.size(), 2);
        putLe(cd, extra.size(), 2);
        putLe(cd, 0, 2); // comment
        putLe(cd, 0, 2); // disk
        putLe(cd, 0, 2); // internal attributes
        putLe(cd, 0, 4); // external attributes
        putLe(cd, offset64 ? 0xFFFFFFFFull : e.headerOffset, 4);
        cd += e.name;
        cd += extra;
    }
    const bool zip64 = m_forceZip64 || cdOffset >= 0xFFFFFFFFull || m_entries.size() >= 0xFFFF;
    std::string tail;
    if (zip64) {
        const std::uint64_t z64At = cdOffset + cd.size();
        putLe(tail, 0x06064b50, 4);
        putLe(tail, 44, 8); // size of the rest of this record
        putLe(tail, 45, 2);
        putLe(tail, 45, 2);
        putLe(tail, 0, 4);
        putLe(tail, 0, 4);
        putLe(tail, m_entries.size(), 8);
        putLe(tail, m_entries.size(), 8);
        putLe(tail, cd.size(), 8);
        putLe(tail, cdOffset, 8);
        putLe(tail, 0x07064b50, 4);
        putLe(tail, 0, 4);
        putLe(tail, z64At, 8);
        putLe(tail, 1, 4);
    }
    putLe(tail, 0x06054b50, 4);
    putLe(tail, 0, 2);
    putLe(tail, 0, 2);
    putLe(tail, zip64 ? 0xFFFF : m_entries.size(), 2);
    putLe(tail, zip64 ? 0xFFFF : m_entries.size(), 2);
    putLe(tail, zip64 ? 0xFFFFFFFFull : cd.size(), 4);
    putLe(tail, zip64 ? 0xFFFFFFFFull : cdOffset, 4);
    putLe(tail, 0, 2);
    m_out.write(cd.data(), static_cast<std::streamsize>(cd.size()));
    m_out.write(tail.data(), static_cast<std::streamsize>(tail.size()));
    m_written += cd.size() + tail.size();
}

PickleWriter& PickleWriter::proto(int version)
{
    m_bytes.push_back('\x80');
    m_bytes.push_back(static_cast<char>(version));
    return *this;
}

PickleWriter& PickleWriter::op(char opcode)
{
    m_bytes.push_back(opcode);
    return *this;
}

PickleWriter& PickleWriter::string(const std::string& s)
{
    m_bytes.push_back('X');
    putLe(m_bytes, s.size(), 4);
    m_bytes += s;
    return *this;
}

PickleWriter& PickleWriter::integer(std::int64_t v)
{
    if (v >= 0 && v < 256) {
        m_bytes.push_back('K');
        putLe(m_bytes, static_cast<std::uint64_t>(v), 1);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        m_bytes.push_back('J');
        putLe(m_bytes, static_cast<std::uint64_t>(v), 4);
    } else {
        m_bytes.push_back('\x8a');
        m_bytes.push_back(8);
        putLe(m_bytes, static_cast<std::uint64_t>(v), 8);
    }
    return *this;
}

PickleWriter& PickleWriter::global(const std::string& module, const std::string& name)
{
    m_bytes.push_back('c');
    m_bytes += module + "\n" + name + "\n";
    return *this;
}

PickleWriter& PickleWriter::binput(int index)
{
    m_bytes.push_back('q');
    m_bytes.push_back(static_cast<char>(index));
    return *this;
}

std::string stateDictPickle(const std::vector<PthTensorSpec>& tensors)
{
    PickleWriter p;
    p.proto(2).global("collections", "OrderedDict").op(')').op('R');
    p.mark();
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const auto& t = tensors[i];
        std::vector<std::int64_t> strides = t.strides;
        if (strides.empty()) {
            strides.assign(t.shape.size(), 1);
            for (int d = static_cast<int>(t.shape.size()) - 2; d >= 0; --d)
                strides[d] = strides[d + 1] * t.shape[d + 1];
        }
        p.string(t.name);
        p.global("torch._utils", "_rebuild_tensor_v2");
        p.mark();
        // persistent id ('storage', torch.XStorage, key, 'cpu', numel)
        p.mark().string("storage").global("torch", t.storageType);
        p.string(t.storageKey.empty() ? std::to_string(i) : t.storageKey).string("cpu");
        p.integer(t.storageNumel >= 0 ? t.storageNumel : product(t.shape)).op('t').op('Q');
        p.integer(t.storageOffset);
        p.mark();
        for (auto d : t.shape)
            p.integer(d);
        p.op('t').mark();
        for (auto s : strides)
            p.integer(s);
        p.op('t').boolean(false);
        p.global("collections", "OrderedDict").op(')').op('R');
        p.op('t').op('R');
    }
    p.op('u');
    // state_dict()._metadata, restored through BUILD.
    p.op('}').string("_metadata").global("collections", "OrderedDict").op(')').op('R');
    p.string("").op('}').string("version").integer(1).op('s').op('s');
    p.op('s').op('b');
    p.stop();
    return p.bytes();
}

std::string pthArchive(const std::string& prefix, const std::vector<PthTensorSpec>& tensors,
                       const std::vector<std::string>& storages, bool forceZip64)
{
    std::ostringstream out;
    ZipWriter zip(out, forceZip64);
    zip.addRecord(prefix + "/data.pkl", stateDictPickle(tensors));
    std::vector<std::string> written;
    for (std::size_t i = 0; i < tensors.size() && i < storages.size(); ++i) {
        const auto key = tensors[i].storageKey.empty() ? std::to_string(i) : tensors[i].storageKey;
        bool seen = false;
        for (const auto& w : written)
            seen = seen || w == key;
        if (seen)
            continue;
        written.push_back(key);
        zip.addRecord(prefix + "/data/" + key, storages[i]);
    }
    zip.addRecord(prefix + "/version", "3\n");
    zip.finish();
    return out.str();
}

std::string safetensorsFromHeader(const std::string& header, const std::string& data)
{
    std::string s;
    putLe(s, header.size(), 8);
    return s + header + data;
}

std::string safetensorsFile(const std::vector<SafetensorsSpec>& tensors, const std::string& metadataJson)
{
    std::string header = "{";
    std::string data;
    bool first = true;
    if (!metadataJson.empty()) {
        header += "\"__metadata__\":" + metadataJson;
        first = false;
    }
    for (const auto& t : tensors) {
        header += std::string(first ? "" : ",") + "\"" + t.name + "\":{\"dtype\":\"" + t.dtype +
                  "\",\"shape\":" + shapeJson(t.shape) + ",\"data_offsets\":[" + std::to_string(data.size()) +
                  "," + std::to_string(data.size() + t.data.size()) + "]}";
        data += t.data;
        first = false;
    }
    header += "}";
    header.append((8 - header.size() % 8) % 8, ' ');
    return safetensorsFromHeader(header, data);
}

} // namespace wan::test
