// libFuzzer harness: the safetensors header parser.
#include "io/RawIo.h"
#include "wan/Error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const auto header = wan::io::parseSafetensorsHeader(data, size, "fuzz.safetensors");
        // Every accepted tensor lies inside the input.
        for (const auto& t : header.tensors)
            if (t.dataOffset > size || t.dataBytes > size - t.dataOffset)
                __builtin_trap();
    } catch (const wan::Error&) {
    }
    return 0;
}
