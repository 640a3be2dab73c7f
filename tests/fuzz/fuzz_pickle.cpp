// libFuzzer harness: the restricted unpickler on raw pickle bytes.
#include "io/RawIo.h"
#include "wan/Error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        wan::io::unpickleStateDict(data, size, "fuzz.pkl");
    } catch (const wan::Error&) {
    }
    return 0;
}
