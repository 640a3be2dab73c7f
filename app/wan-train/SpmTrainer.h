#pragma once
// SentencePiece training through libwan_spm_train_shim.so (opened with dlopen, see SpmTrainShim.cpp).

#include <filesystem>
#include <string>
#include <vector>

namespace wan::demo {

struct SpmTrainOptions
{
    std::filesystem::path corpus;         // one sentence per line
    std::filesystem::path modelPrefix;    // writes <prefix>.model and <prefix>.vocab
    std::vector<std::string> userSymbols; // whole words kept as single pieces
    int vocabSize = 1024;                 // an upper bound: the trainer takes fewer when the corpus is small
};

// A unigram model laid out like umT5's spiece.model: pad 0, eos 1, unk 2, no bos, nmt_nfkc, byte fallback.
// English words are made user-defined pieces with the word-start mark, Chinese ones as they are. Throws
// std::runtime_error with SentencePiece's message.
void trainSentencePiece(const SpmTrainOptions& options);

} // namespace wan::demo
