#pragma once
// umT5 tokenizer: the official prompt cleaning, then SentencePiece (spiece.model) ids + EOS, truncated to
// text_len with EOS kept last, right-padded with the pad id.

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wan::text {

// Padded token ids of several prompts, as the official tokenizer returns them.
struct TokenBatch
{
    torch::Tensor ids;                 // [N, textLen] int64, pad id beyond each prompt's length
    torch::Tensor mask;                // [N, textLen] int64, 1 for real tokens (EOS included), 0 for padding
    std::vector<std::int64_t> lengths; // real tokens per prompt (= mask row sums)
};

class Tokenizer
{
public:
    // The pipeline's text_len; independent of the DiT's config.json.
    static constexpr int kDefaultTextLen = 512;

    // <ckptDir>/google/umt5-xxl/spiece.model, the layout of the official model folders.
    static std::filesystem::path modelPathIn(const std::filesystem::path& ckptDir);

    // Throws wan::Error(ModelFolder) naming the file when it is missing or not a SentencePiece model, and
    // wan::Error(Internal) when the SentencePiece wrapper library cannot be found (see SentencePieceShim.h).
    explicit Tokenizer(const std::filesystem::path& spieceModel, int textLen = kDefaultTextLen);
    ~Tokenizer();
    Tokenizer(const Tokenizer&) = delete;
    Tokenizer& operator=(const Tokenizer&) = delete;

    int textLen() const { return m_textLen; }
    std::int64_t padId() const { return m_padId; }
    std::int64_t eosId() const { return m_eosId; }
    int vocabSize() const { return m_pieces; }

    // Cleaned prompt -> piece ids + EOS, at most textLen ids (EOS last). Never empty: "" gives [EOS].
    // Invalid UTF-8 is replaced by U+FFFD, never rejected.
    std::vector<std::int64_t> encode(std::string_view prompt) const;

    // Several prompts, padded to textLen.
    TokenBatch encodeBatch(const std::vector<std::string>& prompts) const;

private:
    struct Processor;
    std::unique_ptr<Processor> m_processor;
    std::filesystem::path m_modelPath;
    int m_textLen = kDefaultTextLen;
    int m_pieces = 0;
    std::int64_t m_padId = 0;
    std::int64_t m_eosId = 1;
};

} // namespace wan::text
