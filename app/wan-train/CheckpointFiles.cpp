#include "CheckpointFiles.h"

#include <array>
#include <cstdint>
#include <fstream>
#include <stdexcept>

namespace wan::demo {

namespace {

void putLe(std::string& s, std::uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; ++i)
        s.push_back(char((v >> (8 * i)) & 0xFF));
}

std::uint32_t crc32(const std::string& data)
{
    static const auto kTable = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    std::uint32_t crc = 0xFFFFFFFFu;
    for (const char ch : data)
        crc = kTable[(crc ^ std::uint8_t(ch)) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

// A stored zip built in memory; small files only (the demo folder is a few MB), so no zip64.
class StoredZip
{
public:
    void add(const std::string& name, const std::string& data)
    {
        Entry e{name, std::uint64_t(m_bytes.size()), std::uint64_t(data.size()), crc32(data)};
        std::string h;
        putLe(h, 0x04034b50, 4);
        putLe(h, 20, 2);
        putLe(h, 0, 2);
        putLe(h, 0, 2); // stored
        putLe(h, 0, 4);
        putLe(h, e.crc, 4);
        putLe(h, data.size(), 4);
        putLe(h, data.size(), 4);
        putLe(h, name.size(), 2);
        // An extra field pads the header so that the data starts 64-byte aligned (as torch.save does), which
        // lets readers map tensors in place.
        const std::uint64_t dataAt = m_bytes.size() + 30 + name.size() + 4;
        const std::uint64_t pad = (64 - dataAt % 64) % 64;
        putLe(h, 4 + pad, 2);
        h += name;
        putLe(h, 0x4246, 2);
        putLe(h, pad, 2);
        h.append(size_t(pad), 'Z');
        m_bytes += h;
        m_bytes += data;
        m_entries.push_back(e);
    }

    std::string finish()
    {
        const std::uint64_t cdOffset = m_bytes.size();
        std::string cd;
        for (const auto& e : m_entries) {
            putLe(cd, 0x02014b50, 4);
            putLe(cd, 20, 2);
            putLe(cd, 20, 2);
            putLe(cd, 0, 2);
            putLe(cd, 0, 2);
            putLe(cd, 0, 4);
            putLe(cd, e.crc, 4);
            putLe(cd, e.size, 4);
            putLe(cd, e.size, 4);
            putLe(cd, e.name.size(), 2);
            putLe(cd, 0, 2);
            putLe(cd, 0, 2);
            putLe(cd, 0, 2);
            putLe(cd, 0, 2);
            putLe(cd, 0, 4);
            putLe(cd, e.offset, 4);
            cd += e.name;
        }
        std::string tail;
        putLe(tail, 0x06054b50, 4);
        putLe(tail, 0, 4);
        putLe(tail, m_entries.size(), 2);
        putLe(tail, m_entries.size(), 2);
        putLe(tail, cd.size(), 4);
        putLe(tail, cdOffset, 4);
        putLe(tail, 0, 2);
        return m_bytes + cd + tail;
    }

private:
    struct Entry
    {
        std::string name;
        std::uint64_t offset, size;
        std::uint32_t crc;
    };
    std::string m_bytes;
    std::vector<Entry> m_entries;
};

class Pickle
{
public:
    Pickle& op(char c)
    {
        m_bytes.push_back(c);
        return *this;
    }
    Pickle& text(const std::string& s)
    {
        m_bytes.push_back('X'); // BINUNICODE
        putLe(m_bytes, s.size(), 4);
        m_bytes += s;
        return *this;
    }
    Pickle& integer(std::int64_t v)
    {
        if (v >= 0 && v < 256) {
            m_bytes.push_back('K');
            putLe(m_bytes, std::uint64_t(v), 1);
        } else if (v >= INT32_MIN && v <= INT32_MAX) {
            m_bytes.push_back('J');
            putLe(m_bytes, std::uint64_t(v), 4);
        } else {
            m_bytes.push_back('\x8a'); // LONG1
            m_bytes.push_back(8);
            putLe(m_bytes, std::uint64_t(v), 8);
        }
        return *this;
    }
    Pickle& global(const std::string& module, const std::string& name)
    {
        m_bytes += "c" + module + "\n" + name + "\n";
        return *this;
    }
    const std::string& bytes() const { return m_bytes; }

private:
    std::string m_bytes;
};

struct DtypeNames
{
    const char* storage;
    const char* safetensors;
};

DtypeNames dtypeNames(const torch::Tensor& t, const std::string& name)
{
    switch (t.scalar_type()) {
    case torch::kFloat32:
        return {"FloatStorage", "F32"};
    case torch::kBFloat16:
        return {"BFloat16Storage", "BF16"};
    case torch::kFloat16:
        return {"HalfStorage", "F16"};
    default:
        throw std::runtime_error("tensor " + name + " has an unsupported dtype for export");
    }
}

std::string rawBytes(const torch::Tensor& t)
{
    const torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
    return std::string(static_cast<const char*>(c.data_ptr()), size_t(c.numel()) * c.element_size());
}

} // namespace

void writeFileAtomically(const std::filesystem::path& file, const std::string& data)
{
    if (file.has_parent_path())
        std::filesystem::create_directories(file.parent_path());
    const auto tmp = std::filesystem::path(file.string() + ".partial");
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(data.data(), std::streamsize(data.size()));
        out.flush();
        if (!out)
            throw std::runtime_error("cannot write " + tmp.string() + " (disk full or no permission?)");
    }
    std::filesystem::rename(tmp, file);
}

void writePth(const std::filesystem::path& file, const NamedTensors& tensors)
{
    const std::string prefix = "archive";
    Pickle p;
    p.op('\x80').op('\x02');
    p.global("collections", "OrderedDict").op(')').op('R').op('(');
    for (size_t i = 0; i < tensors.size(); ++i) {
        const auto& [name, t] = tensors[i];
        const auto names = dtypeNames(t, name);
        p.text(name).global("torch._utils", "_rebuild_tensor_v2").op('(');
        // Persistent id ('storage', torch.<Type>Storage, key, 'cpu', numel), resolved to data/<key>.
        p.op('(').text("storage").global("torch", names.storage).text(std::to_string(i)).text("cpu");
        p.integer(t.numel()).op('t').op('Q');
        p.integer(0).op('(');
        for (const auto d : t.sizes())
            p.integer(d);
        p.op('t').op('(');
        // C-order strides of the contiguous copy written below.
        std::vector<std::int64_t> strides(size_t(t.dim()), 1);
        for (int d = int(t.dim()) - 2; d >= 0; --d)
            strides[size_t(d)] = strides[size_t(d) + 1] * t.size(d + 1);
        for (const auto s : strides)
            p.integer(s);
        p.op('t').op('\x89');                                   // requires_grad False
        p.global("collections", "OrderedDict").op(')').op('R'); // backward hooks
        p.op('t').op('R');
    }
    p.op('u').op('.');

    StoredZip zip;
    zip.add(prefix + "/data.pkl", p.bytes());
    zip.add(prefix + "/byteorder", "little");
    for (size_t i = 0; i < tensors.size(); ++i)
        zip.add(prefix + "/data/" + std::to_string(i), rawBytes(tensors[i].second));
    zip.add(prefix + "/version", "3\n");
    writeFileAtomically(file, zip.finish());
}

void writeSafetensors(const std::filesystem::path& file, const NamedTensors& tensors,
                      const std::vector<std::pair<std::string, std::string>>& metadata)
{
    std::string header = "{";
    std::string data;
    bool first = true;
    if (!metadata.empty()) {
        header += "\"__metadata__\":{";
        for (size_t i = 0; i < metadata.size(); ++i)
            header +=
                std::string(i ? "," : "") + "\"" + metadata[i].first + "\":\"" + metadata[i].second + "\"";
        header += "}";
        first = false;
    }
    for (const auto& [name, t] : tensors) {
        const std::string bytes = rawBytes(t);
        std::string shape = "[";
        for (int64_t d = 0; d < t.dim(); ++d)
            shape += (d ? "," : "") + std::to_string(t.size(d));
        shape += "]";
        header += std::string(first ? "" : ",") + "\"" + name + "\":{\"dtype\":\"" +
                  dtypeNames(t, name).safetensors + "\",\"shape\":" + shape + ",\"data_offsets\":[" +
                  std::to_string(data.size()) + "," + std::to_string(data.size() + bytes.size()) + "]}";
        data += bytes;
        first = false;
    }
    header += "}";
    header.append((8 - header.size() % 8) % 8, ' ');
    std::string out;
    putLe(out, header.size(), 8);
    writeFileAtomically(file, out + header + data);
}

} // namespace wan::demo
