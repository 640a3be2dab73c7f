#include "support/GgufWriter.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace wan::test {

GgufWriter& GgufWriter::kv(const std::string& key, std::uint32_t type, const std::string& value)
{
    m_kv += str(key) + pod(type) + value;
    ++m_kvCount;
    return *this;
}

GgufWriter& GgufWriter::kvString(const std::string& key, const std::string& value)
{
    return kv(key, 8, str(value));
}

GgufWriter& GgufWriter::kvU32(const std::string& key, std::uint32_t value)
{
    return kv(key, 4, pod(value));
}

GgufWriter& GgufWriter::alignment(std::uint32_t value)
{
    m_alignment = value;
    return kvU32("general.alignment", value);
}

GgufWriter& GgufWriter::tensor(const std::string& name, std::uint32_t type,
                               const std::vector<std::int64_t>& shape, const std::string& data)
{
    m_tensors.push_back({name, type, shape, data});
    return *this;
}

std::string GgufWriter::str(const std::string& s)
{
    return pod(std::uint64_t(s.size())) + s;
}

std::string GgufWriter::array(std::uint32_t elemType, std::uint64_t count, const std::string& elements)
{
    return pod(elemType) + pod(count) + elements;
}

std::string GgufWriter::bytes() const
{
    const auto pad = [&](std::string& s) {
        s.resize((s.size() + m_alignment - 1) / m_alignment * m_alignment, '\0');
    };
    std::string out = "GGUF" + pod(m_version) + pod(std::uint64_t(m_tensors.size())) + pod(m_kvCount) + m_kv;
    std::string data;
    for (const auto& t : m_tensors) {
        out += str(t.name) + pod(std::uint32_t(t.shape.size()));
        for (auto it = t.shape.rbegin(); it != t.shape.rend(); ++it)
            out += pod(std::uint64_t(*it));
        out += pod(t.type) + pod(std::uint64_t(data.size()));
        data += t.data;
        pad(data);
    }
    pad(out);
    return out + data;
}

std::uint16_t floatToHalf(float f)
{
    std::uint32_t x;
    std::memcpy(&x, &f, 4);
    const std::uint32_t sign = (x >> 16) & 0x8000u;
    const std::uint32_t absx = x & 0x7FFFFFFFu;
    if (absx >= 0x7F800000u) // inf / nan
        return static_cast<std::uint16_t>(sign | 0x7C00u | (absx > 0x7F800000u ? 0x200u : 0u));
    if (absx >= 0x477FF000u) // rounds to >= 65520: overflow
        return static_cast<std::uint16_t>(sign | 0x7C00u);
    if (absx < 0x38800000u) { // subnormal half (or zero): value / 2^-24, rounded to nearest even
        float a;
        std::memcpy(&a, &absx, 4);
        const float scaled = a * 16777216.0f; // exact: a power of two
        return static_cast<std::uint16_t>(sign | static_cast<std::uint32_t>(std::nearbyint(scaled)));
    }
    const std::uint32_t mant = absx & 0x7FFFFFu;
    std::uint32_t h = ((absx >> 23) - 112u) << 10 | (mant >> 13);
    const std::uint32_t rest = mant & 0x1FFFu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u)))
        ++h;
    return static_cast<std::uint16_t>(sign | h);
}

std::string quantizeQ8_0(const float* values, std::size_t count)
{
    std::string out;
    for (std::size_t b = 0; b < count / 32; ++b) {
        const float* x = values + b * 32;
        float amax = 0.0f;
        for (int j = 0; j < 32; ++j)
            amax = std::max(amax, std::fabs(x[j]));
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        out += GgufWriter::pod(floatToHalf(d));
        for (int j = 0; j < 32; ++j)
            out.push_back(static_cast<char>(static_cast<std::int8_t>(std::lround(x[j] * id))));
    }
    return out;
}

} // namespace wan::test

namespace wan::test {

namespace {

using W = GgufWriter;

std::string tensorBytesA()
{
    std::string s;
    for (int k = 0; k < 6; ++k)
        s += W::pod(float(k) - 2.5f);
    return s;
}

std::string tensorBytesB()
{
    std::vector<float> v(64);
    for (int k = 0; k < 64; ++k)
        v[k] = float(k % 7) - 3.0f;
    return quantizeQ8_0(v.data(), v.size());
}

std::string tensorBytesC()
{
    return W::pod(floatToHalf(1.0f)) + W::pod(floatToHalf(-2.0f)) + W::pod(floatToHalf(0.5f));
}

W validWriter()
{
    W w;
    w.kvString("general.architecture", "wan")
        .alignment(64)
        .kv("t.u8", 0, W::pod(std::uint8_t(7)))
        .kv("t.i8", 1, W::pod(std::int8_t(-7)))
        .kv("t.u16", 2, W::pod(std::uint16_t(700)))
        .kv("t.i16", 3, W::pod(std::int16_t(-700)))
        .kv("t.u32", 4, W::pod(std::uint32_t(70000)))
        .kv("t.i32", 5, W::pod(std::int32_t(-70000)))
        .kv("t.f32", 6, W::pod(0.5f))
        .kv("t.bool", 7, W::pod(std::uint8_t(1)))
        .kv("t.u64", 10, W::pod(std::uint64_t(1) << 40))
        .kv("t.i64", 11, W::pod(std::int64_t(-1) << 40))
        .kv("t.f64", 12, W::pod(2.25))
        .kv("t.ints", 9,
            W::array(5, 3, W::pod(std::int32_t(1)) + W::pod(std::int32_t(-2)) + W::pod(std::int32_t(3))))
        .kv("t.strings", 9, W::array(8, 2, W::str("x") + W::str("")))
        .kv("t.nested", 9,
            W::array(9, 2, W::array(4, 1, W::pod(std::uint32_t(9))) + W::array(8, 1, W::str("deep"))));
    w.tensor("a", 0, {2, 3}, tensorBytesA());
    w.tensor("b", 8, {2, 32}, tensorBytesB());
    w.tensor("c", 1, {3}, tensorBytesC());
    return w;
}

// A header with one tensor info given as raw bytes after `kv` (count 1 unless given).
std::string withTensorInfo(const std::string& info, const std::string& data, std::uint64_t kvCount = 0,
                           const std::string& kv = "", std::uint64_t tensors = 1)
{
    std::string out = "GGUF" + W::pod(std::uint32_t(3)) + W::pod(tensors) + W::pod(kvCount) + kv + info;
    out.resize((out.size() + 31) / 32 * 32, '\0');
    return out + data;
}

std::string info(const std::string& name, std::vector<std::uint64_t> ne, std::uint32_t type,
                 std::uint64_t offset)
{
    std::string s = W::str(name) + W::pod(std::uint32_t(ne.size()));
    for (auto d : ne)
        s += W::pod(d);
    return s + W::pod(type) + W::pod(offset);
}

} // namespace

std::string validGguf()
{
    return validWriter().bytes();
}

std::vector<CorruptCase> corruptGgufCases()
{
    std::vector<CorruptCase> cases;
    const auto add = [&](std::string name, std::string bytes, std::string message) {
        cases.push_back({std::move(name), std::move(bytes), std::move(message)});
    };
    const std::string head3 = "GGUF" + W::pod(std::uint32_t(3));
    const std::string f32x4(16, '\0');
    add("empty", "", "does not start with the GGUF magic");
    add("bad magic", "GGML" + W::pod(std::uint32_t(3)) + std::string(16, '\0'), "GGUF magic");
    add("version 1", "GGUF" + W::pod(std::uint32_t(1)) + std::string(16, '\0'), "version 1");
    add("big endian", "GGUF" + std::string("\0\0\0\3", 4) + std::string(16, '\0'), "big-endian");
    add("version 9", "GGUF" + W::pod(std::uint32_t(9)) + std::string(16, '\0'), "unknown GGUF version 9");
    add("header truncated", head3 + W::pod(std::uint64_t(0)), "file ends inside");
    add("tensor count huge", head3 + W::pod(~std::uint64_t(0)) + W::pod(std::uint64_t(0)),
        "more than the file holds");
    add("kv count huge", head3 + W::pod(std::uint64_t(0)) + W::pod(std::uint64_t(1) << 40),
        "more than the file holds");
    const auto oneKv = [&](const std::string& kv) {
        return head3 + W::pod(std::uint64_t(0)) + W::pod(std::uint64_t(1)) + kv + std::string(8, '\0');
    };
    add("key length huge", oneKv(W::pod(~std::uint64_t(0) >> 1) + "k"), "over the limit");
    add("string length past end",
        oneKv(W::str("k") + W::pod(std::uint32_t(8)) + W::pod(std::uint64_t(1000)) + "abc"),
        "file ends inside a metadata string");
    add("empty key", oneKv(W::str("") + W::pod(std::uint32_t(4)) + W::pod(std::uint32_t(1))), "empty key");
    add("unknown value type", oneKv(W::str("k") + W::pod(std::uint32_t(13)) + W::pod(std::uint32_t(1))),
        "unknown type 13");
    add("bool 2", oneKv(W::str("k") + W::pod(std::uint32_t(7)) + W::pod(std::uint8_t(2))), "bool value 2");
    add("array count huge",
        oneKv(W::str("k") + W::pod(std::uint32_t(9)) + W::array(4, std::uint64_t(1) << 60, "")),
        "array elements");
    add("array of unknown type", oneKv(W::str("k") + W::pod(std::uint32_t(9)) + W::array(77, 1, "x")),
        "array of unknown type 77");
    {
        std::string nested = W::array(4, 0, "");
        for (int d = 0; d < 6; ++d)
            nested = W::array(9, 1, nested);
        add("arrays nested deep", oneKv(W::str("k") + W::pod(std::uint32_t(9)) + nested),
            "nests arrays deeper");
    }
    {
        const std::string kv = W::str("k") + W::pod(std::uint32_t(4)) + W::pod(std::uint32_t(1));
        add("duplicate key",
            head3 + W::pod(std::uint64_t(0)) + W::pod(std::uint64_t(2)) + kv + kv + std::string(8, '\0'),
            "appears twice");
    }
    add("alignment not power of two",
        oneKv(W::str("general.alignment") + W::pod(std::uint32_t(4)) + W::pod(std::uint32_t(48))),
        "not a power of two");
    add("alignment zero",
        oneKv(W::str("general.alignment") + W::pod(std::uint32_t(4)) + W::pod(std::uint32_t(0))),
        "not a power of two");
    add("alignment wrong type",
        oneKv(W::str("general.alignment") + W::pod(std::uint32_t(10)) + W::pod(std::uint64_t(32))),
        "not a uint32");
    add("five dimensions", withTensorInfo(info("t", {1, 1, 1, 1, 4}, 0, 0), f32x4), "5 dimensions");
    add("unknown ggml type", withTensorInfo(info("t", {4}, 4, 0), f32x4), "unknown ggml type 4");
    add("empty tensor name", withTensorInfo(info("", {4}, 0, 0), f32x4), "empty name");
    add("row not a block multiple", withTensorInfo(info("t", {16, 2}, 8, 0), std::string(68, '\0')),
        "not a multiple of the Q8_0 block of 32");
    add("misaligned offset", withTensorInfo(info("t", {4}, 0, 4), std::string(64, '\0')),
        "not a multiple of the alignment");
    add("data past the end", withTensorInfo(info("t", {8}, 0, 0), f32x4), "lies outside the data area");
    add("dimension product overflow", withTensorInfo(info("t", {1ull << 40, 1ull << 40}, 0, 0), f32x4),
        "element count overflows");
    add("dimension too large", withTensorInfo(info("t", {~0ull}, 0, 0), f32x4),
        "dimension that is too large");
    add("duplicate tensor name",
        withTensorInfo(info("t", {4}, 0, 0) + info("t", {4}, 0, 32), std::string(64, '\0'), 0, "", 2),
        "'t' appears twice");
    add("overlapping tensors",
        withTensorInfo(info("t", {16}, 0, 0) + info("u", {4}, 0, 32), std::string(64, '\0'), 0, "", 2),
        "overlap");
    add("tensor info truncated",
        head3 + W::pod(std::uint64_t(1)) + W::pod(std::uint64_t(0)) + W::str(std::string(40, 't')) +
            W::pod(std::uint32_t(1)) + W::pod(std::uint64_t(4)) + W::pod(std::uint32_t(0)) +
            W::pod(std::uint32_t(0)),
        "file ends inside a tensor's offset");
    return cases;
}

} // namespace wan::test
