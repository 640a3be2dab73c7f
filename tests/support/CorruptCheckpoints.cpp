#include "support/CorruptCheckpoints.h"

#include "support/CheckpointWriter.h"

#include <cstring>
#include <sstream>

namespace wan::test {

namespace {

std::string floats(std::initializer_list<float> values)
{
    std::string s(values.size() * 4, '\0');
    std::size_t i = 0;
    for (float v : values)
        std::memcpy(&s[4 * i++], &v, 4);
    return s;
}

std::string le64(std::uint64_t v)
{
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i)
        s[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    return s;
}

std::string bf16(std::initializer_list<float> values)
{
    std::string s;
    for (float v : values) {
        std::uint32_t u;
        std::memcpy(&u, &v, 4);
        s.push_back(static_cast<char>((u >> 16) & 0xFF));
        s.push_back(static_cast<char>((u >> 24) & 0xFF));
    }
    return s;
}

std::vector<PthTensorSpec> validSpecs()
{
    return {
        {"w", "FloatStorage", "0", {2, 3}, {}, 0, 6},
        {"e", "BFloat16Storage", "1", {4}, {}, 0, 4},
        {"v", "FloatStorage", "0", {2}, {3}, 1, 6},
    };
}

std::vector<std::string> validStorages()
{
    return {floats({0, 1, 2, 3, 4, 5}), bf16({1.0f, -2.0f, 0.5f, 3.0f}), {}};
}

// A zip holding one pickle and the valid storages.
std::string archiveWithPickle(const std::string& pickle, bool withStorages = true)
{
    std::ostringstream out;
    ZipWriter zip(out);
    zip.addRecord("archive/data.pkl", pickle);
    if (withStorages) {
        zip.addRecord("archive/data/0", validStorages()[0]);
        zip.addRecord("archive/data/1", validStorages()[1]);
    }
    zip.finish();
    return out.str();
}

// A pickle that would call module.name("payload") if it were executed.
std::string callingPickle(const std::string& module, const std::string& name, bool stackGlobal)
{
    if (stackGlobal) {
        std::string s("\x80\x04", 2);
        for (const auto& part : {module, name}) {
            s += '\x8c'; // SHORT_BINUNICODE
            s += static_cast<char>(part.size());
            s += part;
        }
        s += '\x93'; // STACK_GLOBAL
        PickleWriter args;
        args.string("touch pwned!").op('\x85').op('R').stop();
        return s + args.bytes();
    }
    PickleWriter p;
    p.proto(2).global(module, name).string("touch pwned!").op('\x85').op('R').stop();
    return p.bytes();
}

// Pushes _rebuild_tensor_v2(storage '0' of `numel` floats, 0, (numel,), (1,), False, OrderedDict()).
void pushTensor(PickleWriter& p, const std::string& storageKey, std::int64_t numel)
{
    p.global("torch._utils", "_rebuild_tensor_v2").mark();
    p.mark().string("storage").global("torch", "FloatStorage").string(storageKey).string("cpu");
    p.integer(numel).op('t').op('Q');
    p.integer(0).mark().integer(numel).op('t').mark().integer(1).op('t').boolean(false);
    p.global("collections", "OrderedDict").op(')').op('R').op('t').op('R');
}

PickleWriter& binget(PickleWriter& p, int index)
{
    return p.op('h').op(static_cast<char>(index));
}

// `count` key/value pairs, each pushed by `pair(i)`, set into the dict on top of the stack with SETITEMS in
// batches that stay below the unpickler's stack limit.
template <typename F> void setItems(PickleWriter& p, std::size_t count, F&& pair)
{
    for (std::size_t i = 0; i < count; ++i) {
        if (i % 16384 == 0)
            p.mark();
        pair(i);
        if (i % 16384 == 16383 || i + 1 == count)
            p.op('u');
    }
}

// {key: t} then `entries` more (key, t) pairs through BINGET: a few bytes each, however long the key.
std::string memoisedKeyPickle(std::size_t keyBytes, std::size_t entries)
{
    PickleWriter p;
    p.proto(2).op('}').string(std::string(keyBytes, 'k')).binput(0);
    pushTensor(p, "0", 1);
    p.binput(1).op('s');
    setItems(p, entries, [&](std::size_t) { binget(binget(p, 0), 1); });
    p.stop();
    return p.bytes();
}

// root{K: {K: ... {K: t, K: t, ...}}} nested 8 deep with one memoised key K: every name is 9 copies of K.
std::string nestedMemoisedKeyPickle(std::size_t keyBytes, std::size_t entries)
{
    PickleWriter p;
    p.proto(2).string(std::string(keyBytes, 'k')).binput(0).op('0');
    pushTensor(p, "0", 1);
    p.binput(1).op('0').op('}');
    setItems(p, entries, [&](std::size_t) { binget(binget(p, 0), 1); });
    for (int level = 0; level < 8; ++level) {
        p.binput(2 + level).op('0').op('}');
        binget(binget(p, 0), 2 + level).op('s');
    }
    p.stop();
    return p.bytes();
}

// {P: {"0": t, "1": t, ...}}: distinct names just under the length limit, a dozen pickle bytes each.
std::string longPrefixPickle(std::size_t prefixBytes, std::size_t entries)
{
    PickleWriter p;
    p.proto(2).op('}').string(std::string(prefixBytes, 'p')).op('}');
    pushTensor(p, "0", 1);
    p.binput(0).op('0');
    setItems(p, entries, [&](std::size_t i) { binget(p.string(std::to_string(i)), 0); });
    p.op('s').stop();
    return p.bytes();
}

// {"0": t, "1": t, ...}
std::string manyTensorsPickle(std::size_t entries)
{
    PickleWriter p;
    p.proto(2).op('}');
    pushTensor(p, "0", 1);
    p.binput(0).op('0');
    setItems(p, entries, [&](std::size_t i) { binget(p.string(std::to_string(i)), 0); });
    p.stop();
    return p.bytes();
}

std::string replaceFirst(std::string s, const std::string& from, const std::string& to)
{
    const auto at = s.find(from);
    if (at != std::string::npos)
        s.replace(at, from.size(), to);
    return s;
}

} // namespace

std::string validSafetensors()
{
    std::string i64;
    for (std::int64_t v : {7, -1, 0, 42})
        i64 += le64(static_cast<std::uint64_t>(v));
    return safetensorsFile({{"a", "F32", {2, 3}, floats({1, 2, 3, 4, 5, 6})},
                            {"b", "I64", {4}, i64},
                            {"c", "BF16", {3}, bf16({1.0f, 2.0f, -4.0f})}},
                           R"({"format":"pt","title":"tiny"})");
}

std::vector<CorruptCase> corruptSafetensorsCases()
{
    const std::string valid = validSafetensors();
    const std::string data24(24, '\0');
    std::vector<CorruptCase> cases;
    cases.push_back({"empty file", "", "shorter than the 8-byte header length"});
    cases.push_back({"only 5 bytes", "\x10\0\0\0\0", "shorter than the 8-byte header length"});
    cases.push_back({"truncated", valid.substr(0, 60), "exceeds the file size"});
    cases.push_back({"header length 2^60", le64(1ull << 60) + valid.substr(8), "exceeds the 100 MB limit"});
    cases.push_back({"header length 2^64-1", le64(~0ull) + valid.substr(8), "exceeds the 100 MB limit"});
    {
        std::string flipped = valid;
        flipped[8] = 'x'; // the opening brace
        cases.push_back({"flipped header byte", flipped, "not valid JSON"});
    }
    cases.push_back({"header not an object", safetensorsFromHeader("[1,2,3]", ""), "not a JSON object"});
    cases.push_back({"deep nesting",
                     safetensorsFromHeader(std::string(5000, '[') + std::string(5000, ']'), ""),
                     "not valid JSON"});
    cases.push_back(
        {"offsets past end",
         safetensorsFromHeader(R"({"a":{"dtype":"F32","shape":[6],"data_offsets":[0,240]}})", data24),
         "outside the data area"});
    cases.push_back(
        {"begin after end",
         safetensorsFromHeader(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[16,8]}})", data24),
         "outside the data area"});
    cases.push_back({"overlapping tensors",
                     safetensorsFromHeader(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                                           R"("b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})",
                                           data24),
                     "overlap"});
    cases.push_back(
        {"wrong dtype string",
         safetensorsFromHeader(R"({"a":{"dtype":"F33","shape":[6],"data_offsets":[0,24]}})", data24),
         "unsupported dtype 'F33'"});
    cases.push_back(
        {"negative dimension",
         safetensorsFromHeader(R"({"a":{"dtype":"F32","shape":[-6],"data_offsets":[0,24]}})", data24),
         "negative or non-integer dimension"});
    cases.push_back(
        {"size mismatch",
         safetensorsFromHeader(R"({"a":{"dtype":"F32","shape":[5],"data_offsets":[0,24]}})", data24),
         "24 data bytes but its shape and dtype need 20"});
    cases.push_back(
        {"numel overflow",
         safetensorsFromHeader(
             R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,24]}})", data24),
         "element count overflows"});
    cases.push_back({"missing data_offsets",
                     safetensorsFromHeader(R"({"a":{"dtype":"F32","shape":[6]}})", data24),
                     "has no data_offsets"});
    cases.push_back({"metadata not strings", safetensorsFromHeader(R"({"__metadata__":{"n":1}})", ""),
                     "is not a string"});
    return cases;
}

std::string validPth(bool forceZip64)
{
    return pthArchive("archive", validSpecs(), validStorages(), forceZip64);
}

std::vector<CorruptCase> corruptPthCases()
{
    const std::string valid = validPth();
    std::vector<CorruptCase> cases;
    cases.push_back({"empty file", "", "too short for a zip archive"});
    cases.push_back({"not a zip", std::string(100, 'a'), "no end of central directory record"});
    cases.push_back({"legacy format", std::string("\x80\x02\x8a\x0a", 4) + std::string(40, '\0'),
                     "legacy (pre-zip) torch.save format"});
    cases.push_back({"truncated", valid.substr(0, valid.size() / 2), "no end of central directory record"});
    {
        // Central directory offset (end record bytes 16..19) pointing past the end.
        std::string s = valid;
        const auto end = s.rfind(std::string("PK\x05\x06", 4));
        s[end + 16] = '\xff';
        s[end + 17] = '\xff';
        s[end + 18] = '\xff';
        s[end + 19] = '\x7f';
        cases.push_back({"directory offset past end", s, "central directory at offset"});
    }
    {
        // Entry count far above what the directory can hold.
        std::string s = valid;
        const auto end = s.rfind(std::string("PK\x05\x06", 4));
        s[end + 10] = '\xfe';
        s[end + 11] = '\xff';
        cases.push_back({"entry count too large", s, "central directory claims"});
    }
    cases.push_back({"os.system via GLOBAL", archiveWithPickle(callingPickle("os", "system", false)),
                     "refuses global 'os.system'"});
    cases.push_back({"builtins.eval via STACK_GLOBAL",
                     archiveWithPickle(callingPickle("builtins", "eval", true)),
                     "refuses global 'builtins.eval'"});
    cases.push_back({"torch.storage._load_from_bytes",
                     archiveWithPickle(callingPickle("torch.storage", "_load_from_bytes", false)),
                     "refuses global 'torch.storage._load_from_bytes'"});
    {
        std::ostringstream out;
        ZipWriter zip(out);
        zip.addRecord("archive/data.pkl", stateDictPickle(validSpecs()));
        zip.addRecord("archive/data/0", validStorages()[0]); // storage "1" missing
        zip.finish();
        cases.push_back(
            {"missing data record", out.str(), "record 'archive/data/1' of tensor 'e' is missing"});
    }
    {
        std::ostringstream out;
        ZipWriter zip(out);
        zip.addRecord("archive/version", "3\n");
        zip.finish();
        cases.push_back({"no data.pkl", out.str(), "no <name>/data.pkl record"});
    }
    cases.push_back(
        {"record shorter than storage",
         pthArchive("archive", {{"w", "FloatStorage", "0", {2, 3}, {}, 0, 6}}, {floats({1, 2, 3})}),
         "fewer than its 6 F32 elements"});
    cases.push_back(
        {"view past storage end",
         pthArchive("archive", {{"w", "FloatStorage", "0", {3, 3}, {}, 0, 6}}, {floats({0, 1, 2, 3, 4, 5})}),
         "reaches past the end of its storage"});
    cases.push_back({"huge stride",
                     pthArchive("archive", {{"w", "FloatStorage", "0", {2, 2}, {1ll << 62, 1}, 0, 6}},
                                {floats({0, 1, 2, 3, 4, 5})}),
                     "reaches past the end of its storage"});
    {
        std::string pickle = stateDictPickle(validSpecs());
        cases.push_back({"pickle without STOP", archiveWithPickle(pickle.substr(0, pickle.size() - 1)),
                         "ends in the middle of an instruction"});
        cases.push_back({"pickle cut in half", archiveWithPickle(pickle.substr(0, pickle.size() / 2)),
                         "ends in the middle of an instruction"});
    }
    cases.push_back({"unknown opcode", archiveWithPickle(std::string("\x80\x02}\xff.", 5)),
                     "unsupported pickle opcode 0xff"});
    cases.push_back({"list instead of dict", archiveWithPickle(std::string("\x80\x02].", 4)),
                     "holds a list, not a state dict"});
    cases.push_back(
        {"undefined memo", archiveWithPickle(std::string("\x80\x02h\x07.", 5)), "memo key 7 is not defined"});
    cases.push_back({"string past end", archiveWithPickle(std::string("\x80\x02X\xff\xff\xff\x7f", 8)),
                     "runs past the end of the pickle"});
    cases.push_back({"stack overflow", archiveWithPickle("\x80\x02" + std::string((1u << 16) + 2, ']') + "."),
                     "stack grows beyond"});
    cases.push_back({"stack underflow", archiveWithPickle(std::string("\x80\x02s.", 4)), "stack underflow"});
    cases.push_back({"unsupported protocol", archiveWithPickle(std::string("\x80\x09}.", 4)),
                     "unsupported pickle protocol 9"});
    cases.push_back({"storage type not allowed",
                     pthArchive("archive", {{"w", "ComplexFloatStorage", "0", {1}, {}, 0, 1}}, {floats({1})}),
                     "refuses global 'torch.ComplexFloatStorage'"});
    {
        // SETITEM of a non-string key into the state dict.
        const std::string pickle = std::string("\x80\x02}K\x01K\x02s.", 9);
        cases.push_back({"int key", archiveWithPickle(pickle), "key is a int"});
    }
    {
        // A dict that contains itself: flattening must stop.
        const std::string pickle = std::string("\x80\x02}q\x00X\x01\x00\x00\x00"
                                               "a"
                                               "h\x00s.",
                                               15);
        cases.push_back({"self-referencing dict", archiveWithPickle(pickle), "the same dict appears twice"});
    }
    // Amplification: each costs a few bytes of pickle per entry and would make gigabytes of names.
    cases.push_back({"memoised 1 MiB key", archiveWithPickle(memoisedKeyPickle(1u << 20, 100000)),
                     "tensor name longer than 1024 bytes"});
    // Under 64 KiB, so that it is also a seed of the fuzz corpus (tests/fuzz/corpus/pth/nested_memoised_key).
    cases.push_back({"nested memoised key", archiveWithPickle(nestedMemoisedKeyPickle(30000, 8400)),
                     "tensor name longer than 1024 bytes"});
    cases.push_back({"names beyond the byte budget", archiveWithPickle(longPrefixPickle(1000, 20000)),
                     "bytes of tensor names and shapes"});
    cases.push_back({"too many tensors", archiveWithPickle(manyTensorsPickle((1u << 16) + 1)),
                     "more than 65536 tensors"});
    cases.push_back({"long storage key", archiveWithPickle([] {
                         PickleWriter p;
                         p.proto(2).op('}').string("w");
                         pushTensor(p, std::string(1000, '0'), 1);
                         p.op('s').stop();
                         return p.bytes();
                     }()),
                     "storage key longer than 256 bytes"});
    cases.push_back({"duplicate tensor name",
                     pthArchive("archive", {{"w", "FloatStorage", "0", {2, 3}, {}, 0, 6},
                                            {"w", "FloatStorage", "0", {6}, {}, 0, 6}},
                                {floats({0, 1, 2, 3, 4, 5})}),
                     "tensor 'w' appears twice"});
    cases.push_back({"storage declared with two sizes",
                     pthArchive("archive", {{"w", "FloatStorage", "0", {2, 3}, {}, 0, 6},
                                            {"v", "FloatStorage", "0", {12}, {}, 0, 12}},
                                {floats({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})}),
                     "storage '0' is declared with 6 and 12 elements"});
    cases.push_back({"storage declared with two dtypes",
                     pthArchive("archive", {{"w", "FloatStorage", "0", {2}, {}, 0, 2},
                                            {"v", "IntStorage", "0", {2}, {}, 0, 2}},
                                {floats({0, 1})}),
                     "storage '0' is declared as F32 and I32"});
    cases.push_back({"bad local header",
                     replaceFirst(valid, std::string("PK\x03\x04", 4), std::string("PK\x03\x05", 4)),
                     "bad local header"});
    return cases;
}

} // namespace wan::test
