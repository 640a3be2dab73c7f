#include "io/RawIo.h"

#include "wan/Error.h"

#include <algorithm>

namespace wan::io {

namespace {

constexpr std::uint32_t kLocalHeaderSig = 0x04034b50;
constexpr std::uint32_t kCentralHeaderSig = 0x02014b50;
constexpr std::uint32_t kEndSig = 0x06054b50;
constexpr std::uint32_t kZip64EndSig = 0x06064b50;
constexpr std::uint32_t kZip64LocatorSig = 0x07064b50;
constexpr std::size_t kEndSize = 22;
constexpr std::size_t kCentralHeaderSize = 46;
constexpr std::size_t kLocalHeaderSize = 30;

[[noreturn]] void corrupt(const std::string& fileName, const std::string& what)
{
    throw Error(ErrorKind::CorruptFile, "corrupt .pth (zip) file " + fileName + ": " + what +
                                            " (re-download the file; it may be truncated)");
}

// Bounds-checked little-endian reads over the whole file.
class Reader
{
public:
    Reader(const std::uint8_t* data, std::size_t size, const std::string& fileName)
        : m_data(data), m_size(size), m_fileName(fileName)
    {
    }

    void need(std::uint64_t offset, std::uint64_t bytes, const char* what) const
    {
        if (offset > m_size || bytes > m_size - offset)
            corrupt(m_fileName,
                    std::string(what) + " at offset " + std::to_string(offset) + " lies past the end");
    }
    std::uint64_t le(std::uint64_t offset, int bytes, const char* what) const
    {
        need(offset, bytes, what);
        std::uint64_t v = 0;
        for (int i = bytes - 1; i >= 0; --i)
            v = (v << 8) | m_data[offset + i];
        return v;
    }
    std::uint16_t u16(std::uint64_t o, const char* w) const
    {
        return static_cast<std::uint16_t>(le(o, 2, w));
    }
    std::uint32_t u32(std::uint64_t o, const char* w) const
    {
        return static_cast<std::uint32_t>(le(o, 4, w));
    }
    std::uint64_t u64(std::uint64_t o, const char* w) const { return le(o, 8, w); }
    const std::uint8_t* at(std::uint64_t o) const { return m_data + o; }
    std::size_t size() const { return m_size; }

private:
    const std::uint8_t* m_data;
    std::size_t m_size;
    const std::string& m_fileName;
};

} // namespace

std::vector<ZipEntry> readZipDirectory(const std::uint8_t* data, std::size_t size,
                                       const std::string& fileName)
{
    if (size < kEndSize)
        corrupt(fileName, "file is " + std::to_string(size) + " bytes, too short for a zip archive");
    const Reader r(data, size, fileName);

    // The end record sits within the last 64 KiB + 22 bytes (its comment is at most 65535 bytes).
    std::uint64_t endPos = 0;
    bool found = false;
    const std::uint64_t lowest = size > kEndSize + 0xFFFF ? size - kEndSize - 0xFFFF : 0;
    for (std::uint64_t pos = size - kEndSize + 1; pos-- > lowest;) {
        if (r.u32(pos, "end record") == kEndSig) {
            endPos = pos;
            found = true;
            break;
        }
    }
    if (!found)
        corrupt(fileName, "no end of central directory record (not a torch.save zip archive, or truncated)");

    std::uint64_t entryCount = r.u16(endPos + 10, "end record");
    std::uint64_t cdSize = r.u32(endPos + 12, "end record");
    std::uint64_t cdOffset = r.u32(endPos + 16, "end record");
    if (entryCount == 0xFFFF || cdSize == 0xFFFFFFFF || cdOffset == 0xFFFFFFFF) {
        if (endPos < 20 || r.u32(endPos - 20, "zip64 locator") != kZip64LocatorSig)
            corrupt(fileName, "zip64 end record locator missing");
        const std::uint64_t z64 = r.u64(endPos - 20 + 8, "zip64 locator");
        if (r.u32(z64, "zip64 end record") != kZip64EndSig)
            corrupt(fileName, "zip64 end record missing at offset " + std::to_string(z64));
        entryCount = r.u64(z64 + 32, "zip64 end record");
        cdSize = r.u64(z64 + 40, "zip64 end record");
        cdOffset = r.u64(z64 + 48, "zip64 end record");
    }
    r.need(cdOffset, cdSize, "central directory");
    // Every entry needs at least 46 bytes, so a huge count cannot make us allocate.
    if (entryCount > cdSize / kCentralHeaderSize)
        corrupt(fileName, "central directory claims " + std::to_string(entryCount) + " entries in " +
                              std::to_string(cdSize) + " bytes");

    std::vector<ZipEntry> entries;
    entries.reserve(entryCount);
    std::uint64_t pos = cdOffset;
    const std::uint64_t cdEnd = cdOffset + cdSize;
    for (std::uint64_t i = 0; i < entryCount; ++i) {
        if (pos + kCentralHeaderSize > cdEnd)
            corrupt(fileName, "central directory entry " + std::to_string(i) + " runs past the directory");
        if (r.u32(pos, "central directory entry") != kCentralHeaderSig)
            corrupt(fileName, "bad central directory entry signature at offset " + std::to_string(pos));
        ZipEntry e;
        e.method = r.u16(pos + 10, "central directory entry");
        e.size = r.u32(pos + 20, "central directory entry");
        e.uncompressedSize = r.u32(pos + 24, "central directory entry");
        const std::uint16_t nameLen = r.u16(pos + 28, "central directory entry");
        const std::uint16_t extraLen = r.u16(pos + 30, "central directory entry");
        const std::uint16_t commentLen = r.u16(pos + 32, "central directory entry");
        std::uint64_t localOffset = r.u32(pos + 42, "central directory entry");
        const std::uint64_t nameAt = pos + kCentralHeaderSize;
        const std::uint64_t entryEnd = nameAt + nameLen + extraLen + commentLen;
        if (entryEnd > cdEnd)
            corrupt(fileName, "central directory entry " + std::to_string(i) + " runs past the directory");
        e.name.assign(reinterpret_cast<const char*>(r.at(nameAt)), nameLen);

        // zip64 extra field: the 64-bit values appear in this order, only for fields saturated above.
        std::uint64_t x = nameAt + nameLen;
        const std::uint64_t xEnd = x + extraLen;
        while (x + 4 <= xEnd) {
            const std::uint16_t id = r.u16(x, "extra field");
            const std::uint16_t len = r.u16(x + 2, "extra field");
            if (x + 4 + len > xEnd)
                corrupt(fileName, "extra field of '" + e.name + "' runs past its entry");
            if (id == 0x0001) {
                std::uint64_t f = x + 4;
                const std::uint64_t fEnd = f + len;
                auto take = [&](std::uint64_t& value) {
                    if (f + 8 > fEnd)
                        corrupt(fileName, "zip64 extra field of '" + e.name + "' is too short");
                    value = r.u64(f, "zip64 extra field");
                    f += 8;
                };
                if (e.uncompressedSize == 0xFFFFFFFF)
                    take(e.uncompressedSize);
                if (e.size == 0xFFFFFFFF)
                    take(e.size);
                if (localOffset == 0xFFFFFFFF)
                    take(localOffset);
            }
            x += 4 + len;
        }

        if (r.u32(localOffset, "local header") != kLocalHeaderSig)
            corrupt(fileName,
                    "bad local header for '" + e.name + "' at offset " + std::to_string(localOffset));
        const std::uint16_t localNameLen = r.u16(localOffset + 26, "local header");
        const std::uint16_t localExtraLen = r.u16(localOffset + 28, "local header");
        e.dataOffset = localOffset + kLocalHeaderSize + localNameLen + localExtraLen;
        r.need(e.dataOffset, e.size, ("data of zip record '" + e.name + "'").c_str());
        if (e.method == 0 && e.size != e.uncompressedSize)
            corrupt(fileName,
                    "stored record '" + e.name + "' has different compressed and uncompressed sizes");
        entries.push_back(std::move(e));
        pos = entryEnd;
    }
    return entries;
}

} // namespace wan::io
