#pragma once
// A GGUF writer for tests and fuzz seeds (no torch, no Qt): metadata of every type, tensors given as raw
// blocks, alignment. Writes what the spec says, so that tests can also write what it forbids (raw()).

#include "support/CorruptCheckpoints.h"

#include <cstdint>
#include <string>
#include <vector>

namespace wan::test {

class GgufWriter
{
public:
    explicit GgufWriter(std::uint32_t version = 3) : m_version(version) {}

    // Metadata; `value` is the encoded value (use the encoders below) of GGUF value type `type`.
    GgufWriter& kv(const std::string& key, std::uint32_t type, const std::string& value);
    GgufWriter& kvString(const std::string& key, const std::string& value);
    GgufWriter& kvU32(const std::string& key, std::uint32_t value);
    // Sets general.alignment (written as a uint32) and pads with it.
    GgufWriter& alignment(std::uint32_t value);

    // A tensor: `shape` in torch order (outermost first), `type` a ggml type number, `data` its blocks.
    GgufWriter& tensor(const std::string& name, std::uint32_t type, const std::vector<std::int64_t>& shape,
                       const std::string& data);

    std::string bytes() const;

    // Value encoders.
    static std::string str(const std::string& s); // uint64 length + bytes
    template <typename T> static std::string pod(T v)
    {
        return std::string(reinterpret_cast<const char*>(&v), sizeof(T));
    }
    // An array value of `count` elements of `elemType`, each already encoded in `elements`.
    static std::string array(std::uint32_t elemType, std::uint64_t count, const std::string& elements);

private:
    struct Tensor
    {
        std::string name;
        std::uint32_t type;
        std::vector<std::int64_t> shape;
        std::string data;
    };
    std::uint32_t m_version;
    std::uint32_t m_alignment = 32;
    std::uint64_t m_kvCount = 0;
    std::string m_kv;
    std::vector<Tensor> m_tensors;
};

// Simple round-to-nearest Q8_0 blocks of `count` floats (a multiple of 32), as fixtures converted to GGUF
// use.
std::string quantizeQ8_0(const float* values, std::size_t count);
// IEEE half bits of `f`, rounded to nearest even.
std::uint16_t floatToHalf(float f);

// A small valid GGUF (version 3, alignment 64): metadata of every value type (arrays of numbers, strings and
// arrays), F32 "a" [2, 3], Q8_0 "b" [2, 32] and F16 "c" [3]; and broken variants, each with a substring of
// the message it must produce.
std::string validGguf();
std::vector<CorruptCase> corruptGgufCases();

} // namespace wan::test
