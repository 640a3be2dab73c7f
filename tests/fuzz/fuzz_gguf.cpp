// libFuzzer harness: the GGUF reader, then the dequantisers on every tensor it accepts.
#include "io/RawGguf.h"
#include "wan/Error.h"

#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const auto file = wan::io::parseGguf(data, size, "fuzz.gguf");
        std::vector<float> out;
        for (const auto& t : file.tensors) {
            // Every accepted tensor lies inside the input.
            if (t.dataOffset > size || t.dataBytes > size - t.dataOffset)
                __builtin_trap();
            const auto* info = wan::io::ggmlTypeInfo(t.type);
            if (!info || !info->dequantizable)
                continue;
            out.resize(t.numel);
            wan::io::dequantizeGgml(t.type, data + t.dataOffset, t.dataBytes, out.data(), t.numel);
        }
    } catch (const wan::Error&) {
    }
    return 0;
}
