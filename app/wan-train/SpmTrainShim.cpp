// libwan_spm_train_shim.so: SentencePiece's trainer behind a C function, opened with dlopen like the
// tokenizer's wrapper (core/src/text/SentencePieceShim.h explains why SentencePiece never links into a
// process that also loads LibTorch).

#include <sentencepiece_trainer.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <string>

#define WAN_SPM_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

void setError(char* error, std::size_t errorSize, const std::string& message)
{
    if (!error || errorSize == 0)
        return;
    const std::size_t n = std::min(errorSize - 1, message.size());
    std::memcpy(error, message.data(), n);
    error[n] = '\0';
}

} // namespace

// `arguments`: spm_train's command line ("--input=... --model_prefix=..."). Returns 0 on success.
WAN_SPM_EXPORT int wan_spm_train(const char* arguments, char* error, std::size_t errorSize)
{
    try {
        const auto status = sentencepiece::SentencePieceTrainer::Train(arguments);
        if (!status.ok()) {
            setError(error, errorSize, status.ToString());
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        setError(error, errorSize, e.what());
        return 1;
    }
}
