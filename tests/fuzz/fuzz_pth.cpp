// libFuzzer harness: a whole torch.save archive (zip + pickle + storage validation).
#include "io/RawIo.h"
#include "wan/Error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const auto archive = wan::io::parsePthArchive(data, size, "fuzz.pth");
        for (const auto& t : archive.tensors)
            if (t.dataOffset > size || t.dataBytes > size - t.dataOffset)
                __builtin_trap();
    } catch (const wan::Error&) {
    }
    return 0;
}
