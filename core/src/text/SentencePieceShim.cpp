#include "text/SentencePieceShim.h"

#include <sentencepiece_processor.h>

#include <cstring>
#include <exception>
#include <string>
#include <vector>

#define WAN_SPM_EXPORT extern "C" __attribute__((visibility("default")))

struct WanSpmProcessor
{
    sentencepiece::SentencePieceProcessor processor;
};

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

WAN_SPM_EXPORT WanSpmProcessor* wan_spm_load(const char* modelPath, char* error, std::size_t errorSize)
{
    try {
        auto* p = new WanSpmProcessor;
        const auto status = p->processor.Load(modelPath);
        if (!status.ok()) {
            setError(error, errorSize, status.ToString());
            delete p;
            return nullptr;
        }
        return p;
    } catch (const std::exception& e) {
        setError(error, errorSize, e.what());
        return nullptr;
    }
}

WAN_SPM_EXPORT void wan_spm_free(WanSpmProcessor* processor)
{
    delete processor;
}

WAN_SPM_EXPORT void wan_spm_info(const WanSpmProcessor* processor, int* pieces, int* padId, int* eosId)
{
    *pieces = processor->processor.GetPieceSize();
    *padId = processor->processor.pad_id();
    *eosId = processor->processor.eos_id();
}

WAN_SPM_EXPORT long wan_spm_encode(const WanSpmProcessor* processor, const char* text, std::size_t size,
                                   int* ids, std::size_t capacity, char* error, std::size_t errorSize)
{
    try {
        std::vector<int> out;
        const auto status = processor->processor.Encode(std::string(text, size), &out);
        if (!status.ok()) {
            setError(error, errorSize, status.ToString());
            return -1;
        }
        for (std::size_t i = 0; i < out.size() && i < capacity; ++i)
            ids[i] = out[i];
        return long(out.size());
    } catch (const std::exception& e) {
        setError(error, errorSize, e.what());
        return -1;
    }
}
