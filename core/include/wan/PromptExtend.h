#pragma once
// Prompt extension: a language model rewrites a short prompt into a richer one before generation.
// Two back ends: Alibaba Cloud Dashscope (qwen-plus / qwen-vl-max) and any OpenAI-compatible chat endpoint
// (vLLM, llama.cpp server, Ollama, LM Studio serving Qwen). Failures throw PromptExtendError (a wan::Error):
// ErrorKind::Network when the service cannot be reached or answers badly, InvalidArgument for settings or
// input that cannot work, Image for an unusable image, Cancelled. A failure need not stop a job: front ends
// catch it and continue with the original prompt.

#include "wan/CancelToken.h"
#include "wan/Error.h"
#include "wan/Request.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wan {

enum class PromptTask
{
    TextToVideo = 1,
    ImageToVideo,
    TextToImage,
};

// What the extender is asked to describe for a generation task: i2v and flf2v (from the first frame) are
// image-to-video, t2i text-to-image, t2v and vace text-to-video.
PromptTask promptTaskFor(Task task);

enum class PromptLanguage
{
    Chinese = 1,
    English,
};

enum class PromptBackend
{
    Dashscope = 1,
    OpenAiCompatible, // POST {url}/v1/chat/completions
};

inline constexpr const char* kDashscopeInternationalUrl = "https://dashscope-intl.aliyuncs.com";
inline constexpr const char* kDashscopeMainlandUrl = "https://dashscope.aliyuncs.com";
inline constexpr const char* kDashscopeTextModel = "qwen-plus";
inline constexpr const char* kDashscopeVisionModel = "qwen-vl-max";
inline constexpr const char* kLocalDefaultUrl = "http://127.0.0.1:8000";
inline constexpr const char* kLocalDefaultTextModel = "Qwen/Qwen2.5-14B-Instruct";
inline constexpr const char* kLocalDefaultVisionModel = "Qwen/Qwen2.5-VL-7B-Instruct";

struct PromptExtendSettings
{
    PromptBackend backend = PromptBackend::Dashscope;
    // Dashscope: empty means $DASH_API_URL, else kDashscopeInternationalUrl. A trailing "/api/v1" is
    // accepted. OpenAI-compatible: empty means kLocalDefaultUrl; "/v1" or "/v1/chat/completions" suffixes are
    // accepted.
    std::string baseUrl;
    std::string textModel;   // empty: the back end's default for T2V/T2I
    std::string visionModel; // empty: the back end's default for I2V
    // Dashscope: empty means $DASH_API_KEY. OpenAI-compatible: optional. Never logged, never saved in job
    // files.
    std::string apiKey;
    int connectTimeoutMs = 10'000;
    int totalTimeoutMs = 90'000; // the whole call, retries and waits included
    int maxAttempts = 4;
    int initialBackoffMs = 500; // doubled after each failed attempt, with +-25% jitter
    int maxBackoffMs = 8'000;   // a server's Retry-After is honoured as given (within totalTimeoutMs)
    std::size_t maxReplyBytes = 1u << 20;
};

struct PromptExtendRequest
{
    std::string prompt;
    PromptTask task = PromptTask::TextToVideo;
    PromptLanguage language = PromptLanguage::Chinese;
    std::vector<std::uint8_t> image; // encoded file bytes (PNG, JPEG, WebP); used for ImageToVideo
    std::string imageMime;           // empty: guessed from the bytes
    std::optional<std::int64_t> seed;
};

// A successful rewrite.
struct PromptExtension
{
    std::string prompt; // the rewrite, never empty
    std::string model;  // the model that answered
    int attempts = 0;
    long httpStatus = 0; // of the last attempt
};

// A failed extension: a wan::Error (message without the API key) plus what the call got to.
class PromptExtendError : public Error
{
public:
    PromptExtendError(ErrorKind kind, const std::string& message, int attempts = 0, long httpStatus = 0)
        : Error(kind, message), m_attempts(attempts), m_httpStatus(httpStatus)
    {
    }
    int attempts() const noexcept { return m_attempts; }
    long httpStatus() const noexcept { return m_httpStatus; } // 0 when no HTTP reply came

private:
    int m_attempts;
    long m_httpStatus;
};

class PromptExtender
{
public:
    virtual ~PromptExtender() = default;

    // Blocking; call it off the UI thread. Thread-safe: each call has its own connection.
    // `cancel` may be set from any thread; a pending request then stops within about 100 ms and throws
    // ErrorKind::Cancelled. Throws PromptExtendError on every failure.
    virtual PromptExtension extend(const PromptExtendRequest& request, CancelToken* cancel = nullptr) = 0;

    virtual PromptBackend backend() const = 0;
};

// Never null; without libcurl the extender throws "built without libcurl" on every call.
std::unique_ptr<PromptExtender> makePromptExtender(const PromptExtendSettings& settings);

// False when the engine was built without libcurl (WAN_WITH_CURL=OFF).
bool promptExtensionAvailable();

// The instruction sent as the system message.
std::string promptExtendSystemPrompt(PromptTask task, PromptLanguage language);

// Sends a short text rewrite to check the URL, key and model; throws PromptExtendError saying what is wrong.
PromptExtension testPromptExtendConnection(const PromptExtendSettings& settings,
                                           CancelToken* cancel = nullptr);

// The command-line flags, as in the official generate.py plus our own connection flags.
struct PromptExtendFlags
{
    bool enabled = false; // --use_prompt_extend
    // --prompt_extend_method: dashscope | local_qwen (any OpenAI-compatible server at --prompt_extend_url)
    std::string method = "local_qwen";
    std::string model;             // --prompt_extend_model; empty: the default for the task
    std::string targetLang = "zh"; // --prompt_extend_target_lang: zh | en
    std::string url;               // --prompt_extend_url; empty: $DASH_API_URL / default
    std::string apiKey;            // --prompt_extend_key; empty: $DASH_API_KEY (prefer the variable)
    int timeoutSeconds = 90;       // --prompt_extend_timeout
    int maxAttempts = 4;           // --prompt_extend_retries
    std::string task;              // --task, e.g. "t2v-14B", "i2v-14B", "t2i-14B", "flf2v-14B"
    std::string imagePath;         // --image (I2V)
    // Encoded image sent instead of reading imagePath, e.g. the input already scaled down to about 512x512
    // pixels (vision models need no more, and Dashscope limits inline images to a few MB).
    std::vector<std::uint8_t> imageBytes;
    std::int64_t seed = -1; // --base_seed; negative: none
};

// Everything the CLI needs. Disabled: the prompt unchanged (attempts 0, no model). Enabled: the rewrite;
// throws PromptExtendError on failure, InvalidArgument for bad flag values.
PromptExtension extendPromptFromFlags(const PromptExtendFlags& flags, const std::string& prompt,
                                      CancelToken* cancel = nullptr);

} // namespace wan
