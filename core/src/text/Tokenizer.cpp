#include "text/Tokenizer.h"

#include "text/PromptCleaner.h"
#include "text/SentencePieceShim.h"
#include "wan/Error.h"
#include "wan/ModelFolder.h"

#include <spdlog/spdlog.h>

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

namespace wan::text {

namespace {

struct ShimApi
{
    WanSpmLoadFn load = nullptr;
    WanSpmFreeFn free = nullptr;
    WanSpmInfoFn info = nullptr;
    WanSpmEncodeFn encode = nullptr;
};

std::vector<std::filesystem::path> shimCandidates()
{
    std::vector<std::filesystem::path> out;
    if (const char* env = std::getenv("WAN_SENTENCEPIECE_SHIM"); env && *env)
        out.emplace_back(env);
#ifdef WAN_SPM_SHIM_BUILD_PATH
    out.emplace_back(WAN_SPM_SHIM_BUILD_PATH);
#endif
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto dir = exe.parent_path();
        out.push_back(dir / WAN_SPM_SHIM_FILE_NAME);
        out.push_back(dir.parent_path() / "lib" / "wan-studio" / WAN_SPM_SHIM_FILE_NAME);
        out.push_back(dir.parent_path() / "lib" / WAN_SPM_SHIM_FILE_NAME);
    }
    return out;
}

const ShimApi& shimApi()
{
    static std::once_flag once;
    static ShimApi api;
    static std::string failure;
    std::call_once(once, [] {
        // RTLD_LOCAL | RTLD_DEEPBIND: see SentencePieceShim.h.
        constexpr int kFlags = RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND;
        void* handle = nullptr;
        std::string tried;
        for (const auto& candidate : shimCandidates()) {
            std::error_code ec;
            if (!std::filesystem::is_regular_file(candidate, ec)) {
                tried.append(" ").append(candidate.string());
                continue;
            }
            handle = dlopen(candidate.c_str(), kFlags);
            if (handle)
                break;
            tried.append(" ").append(candidate.string()).append(" (").append(dlerror()).append(")");
        }
        if (!handle) {
            handle = dlopen(WAN_SPM_SHIM_FILE_NAME, kFlags);
            if (!handle)
                tried.append(" " WAN_SPM_SHIM_FILE_NAME " (").append(dlerror()).append(")");
        }
        if (!handle) {
            failure =
                "the SentencePiece wrapper library " WAN_SPM_SHIM_FILE_NAME " was not found; tried:" + tried +
                ". Reinstall Wan Studio or point WAN_SENTENCEPIECE_SHIM at the file";
            return;
        }
        api.load = reinterpret_cast<WanSpmLoadFn>(dlsym(handle, "wan_spm_load"));
        api.free = reinterpret_cast<WanSpmFreeFn>(dlsym(handle, "wan_spm_free"));
        api.info = reinterpret_cast<WanSpmInfoFn>(dlsym(handle, "wan_spm_info"));
        api.encode = reinterpret_cast<WanSpmEncodeFn>(dlsym(handle, "wan_spm_encode"));
        if (!api.load || !api.free || !api.info || !api.encode) {
            api = {};
            failure = std::string(WAN_SPM_SHIM_FILE_NAME) + " does not export the expected functions";
        }
    });
    if (!api.load)
        throw Error(ErrorKind::Internal, failure);
    return api;
}

} // namespace

struct Tokenizer::Processor
{
    const ShimApi& api;
    WanSpmProcessor* handle = nullptr;
    ~Processor()
    {
        if (handle)
            api.free(handle);
    }
};

std::filesystem::path Tokenizer::modelPathIn(const std::filesystem::path& ckptDir)
{
    return ckptDir / officialFiles::kTokenizer;
}

Tokenizer::Tokenizer(const std::filesystem::path& spieceModel, int textLen)
    : m_modelPath(spieceModel), m_textLen(textLen)
{
    if (textLen < 1)
        throw Error(ErrorKind::InvalidArgument,
                    "tokenizer text length must be at least 1, got " + std::to_string(textLen));
    std::error_code ec;
    if (!std::filesystem::is_regular_file(spieceModel, ec))
        throw Error(ErrorKind::ModelFolder, "tokenizer model not found: " + spieceModel.string() +
                                                " (the model folder needs google/umt5-xxl/spiece.model)");
    const ShimApi& api = shimApi();
    m_processor.reset(new Processor{api});
    char error[512] = {};
    m_processor->handle = api.load(spieceModel.c_str(), error, sizeof error);
    if (!m_processor->handle)
        throw Error(ErrorKind::ModelFolder, "cannot load the tokenizer model " + spieceModel.string() + ": " +
                                                error +
                                                " (replace it with the spiece.model of google/umt5-xxl)");
    int padId = -1, eosId = -1;
    api.info(m_processor->handle, &m_pieces, &padId, &eosId);
    // umT5 has pad 0 and eos 1; take them from the model so another SentencePiece model stays consistent.
    if (padId >= 0)
        m_padId = padId;
    if (eosId >= 0)
        m_eosId = eosId;
    spdlog::debug("tokenizer {}: {} pieces, pad {}, eos {}, text_len {}", spieceModel.string(), m_pieces,
                  m_padId, m_eosId, m_textLen);
}

Tokenizer::~Tokenizer() = default;

std::vector<std::int64_t> Tokenizer::encode(std::string_view prompt) const
{
    const std::string cleaned = cleanPrompt(prompt);
    std::vector<int> pieces(cleaned.size() + 16);
    char error[512] = {};
    long count = 0;
    for (int attempt = 0; attempt < 2; ++attempt) {
        count = m_processor->api.encode(m_processor->handle, cleaned.data(), cleaned.size(), pieces.data(),
                                        pieces.size(), error, sizeof error);
        if (count < 0)
            throw Error(ErrorKind::Internal, std::string("tokenizer failed on a prompt: ") + error);
        if (std::size_t(count) <= pieces.size())
            break;
        pieces.resize(std::size_t(count));
    }
    const std::size_t keep = std::min<std::size_t>(std::size_t(count), std::size_t(m_textLen - 1));
    std::vector<std::int64_t> ids(pieces.begin(), pieces.begin() + std::ptrdiff_t(keep));
    ids.push_back(m_eosId);
    return ids;
}

TokenBatch Tokenizer::encodeBatch(const std::vector<std::string>& prompts) const
{
    const auto n = std::int64_t(prompts.size());
    TokenBatch batch;
    batch.ids = torch::full({n, m_textLen}, m_padId, torch::kInt64);
    batch.mask = torch::zeros({n, m_textLen}, torch::kInt64);
    auto ids = batch.ids.accessor<std::int64_t, 2>();
    auto mask = batch.mask.accessor<std::int64_t, 2>();
    for (std::int64_t i = 0; i < n; ++i) {
        const auto row = encode(prompts[std::size_t(i)]);
        for (std::size_t j = 0; j < row.size(); ++j) {
            ids[i][std::int64_t(j)] = row[j];
            mask[i][std::int64_t(j)] = 1;
        }
        batch.lengths.push_back(std::int64_t(row.size()));
    }
    return batch;
}

} // namespace wan::text
