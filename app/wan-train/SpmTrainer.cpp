#include "SpmTrainer.h"

#include <dlfcn.h>

#include <stdexcept>
#include <unistd.h>

namespace wan::demo {

namespace {

constexpr const char* kShimFileName = "libwan_spm_train_shim.so";
using TrainFn = int (*)(const char* arguments, char* error, std::size_t errorSize);

TrainFn loadTrainer()
{
    static TrainFn fn = [] {
        std::vector<std::filesystem::path> candidates;
#ifdef WAN_SPM_TRAIN_SHIM_BUILD_PATH
        candidates.emplace_back(WAN_SPM_TRAIN_SHIM_BUILD_PATH);
#endif
        std::error_code ec;
        const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
        if (!ec) {
            candidates.push_back(exe.parent_path() / kShimFileName);
            candidates.push_back(exe.parent_path().parent_path() / "lib" / "wan-studio" / kShimFileName);
        }
        std::string tried;
        for (const auto& path : candidates) {
            if (!std::filesystem::exists(path))
                continue;
            // Local: SentencePiece stays out of the global symbol scope. Not deep-bound (unlike the
            // tokenizer's wrapper): the trainer logs through std::cerr, which RTLD_DEEPBIND would bind to an
            // uninitialised copy of the stream object.
            if (void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL))
                if (void* symbol = dlsym(handle, "wan_spm_train"))
                    return reinterpret_cast<TrainFn>(symbol);
            tried += " " + path.string();
        }
        throw std::runtime_error(std::string("the SentencePiece trainer library ") + kShimFileName +
                                 " was not found or did not load (tried:" + tried +
                                 "); build the wan_spm_train_shim target or reinstall wan-train");
        return TrainFn(nullptr);
    }();
    return fn;
}

} // namespace

void trainSentencePiece(const SpmTrainOptions& options)
{
    std::string symbols;
    for (const auto& word : options.userSymbols) {
        if (!symbols.empty())
            symbols += ',';
        const bool ascii = !word.empty() && static_cast<unsigned char>(word[0]) < 0x80;
        // "\xe2\x96\x81" is U+2581, SentencePiece's word-start mark.
        symbols += ascii ? "\xe2\x96\x81" + word : word;
    }
    const std::string arguments =
        "--input=" + options.corpus.string() + " --model_prefix=" + options.modelPrefix.string() +
        " --vocab_size=" + std::to_string(options.vocabSize) +
        " --hard_vocab_limit=false --model_type=unigram --character_coverage=1.0 --byte_fallback=true"
        " --pad_id=0 --eos_id=1 --unk_id=2 --bos_id=-1 --normalization_rule_name=nmt_nfkc --num_threads=1"
        " --minloglevel=1 --user_defined_symbols=" +
        symbols;
    char error[1024] = {0};
    if (loadTrainer()(arguments.c_str(), error, sizeof error) != 0)
        throw std::runtime_error("SentencePiece training on " + options.corpus.string() +
                                 " failed: " + error);
}

} // namespace wan::demo
