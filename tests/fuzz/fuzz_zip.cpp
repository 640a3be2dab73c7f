// libFuzzer harness: the zip central directory reader.
#include "io/RawIo.h"
#include "wan/Error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        for (const auto& e : wan::io::readZipDirectory(data, size, "fuzz.zip"))
            if (e.dataOffset > size || e.size > size - e.dataOffset)
                __builtin_trap();
    } catch (const wan::Error&) {
    }
    return 0;
}
