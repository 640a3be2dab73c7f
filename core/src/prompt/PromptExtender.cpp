#include "prompt/HttpTransport.h"
#include "prompt/PromptProtocol.h"
#include "wan/PromptExtend.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <random>
#include <thread>

namespace wan {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kMaxImageBytes = 10u << 20;

const char* backendName(PromptBackend backend)
{
    return backend == PromptBackend::Dashscope ? "Dashscope" : "the OpenAI-compatible endpoint";
}

bool isRetryableStatus(long status)
{
    return status == 408 || status == 429 || (status >= 500 && status < 600);
}

// Sleeps in short slices so that a cancel is noticed quickly; false when cancelled.
bool waitCancellable(milliseconds duration, CancelToken* cancel)
{
    const auto until = Clock::now() + duration;
    while (Clock::now() < until) {
        if (cancel && cancel->isCancelled())
            return false;
        std::this_thread::sleep_for(std::min<Clock::duration>(milliseconds(20), until - Clock::now()));
    }
    return !(cancel && cancel->isCancelled());
}

milliseconds backoffDelay(const PromptExtendSettings& settings, int failedAttempts)
{
    thread_local std::mt19937 rng{std::random_device{}()};
    const double base = std::min<double>(
        settings.maxBackoffMs, settings.initialBackoffMs * std::pow(2.0, std::max(0, failedAttempts - 1)));
    std::uniform_real_distribution<double> jitter(0.75, 1.25);
    return milliseconds(static_cast<long long>(std::max(0.0, base * jitter(rng))));
}

class HttpPromptExtender final : public PromptExtender
{
public:
    explicit HttpPromptExtender(PromptExtendSettings settings)
        : m_settings(std::move(settings)), m_transport(prompt::makeHttpTransport())
    {
    }

    PromptBackend backend() const override { return m_settings.backend; }

    PromptExtension extend(const PromptExtendRequest& request, CancelToken* cancel) override
    {
        PromptExtension result;
        const std::string apiKey = prompt::resolveApiKey(m_settings);
        const prompt::Endpoint endpoint = prompt::resolveEndpoint(m_settings, request);
        result.model = endpoint.model;

        auto fail = [&](ErrorKind kind, const std::string& reason) {
            return PromptExtendError(kind, prompt::redact("prompt extension failed: " + reason, apiKey),
                                     result.attempts, result.httpStatus);
        };
        auto cancelled = [&] {
            return PromptExtendError(ErrorKind::Cancelled, "prompt extension cancelled", result.attempts,
                                     result.httpStatus);
        };

        if (request.prompt.find_first_not_of(" \t\r\n") == std::string::npos)
            throw fail(ErrorKind::InvalidArgument, "the prompt is empty");
        if (m_settings.backend == PromptBackend::Dashscope && apiKey.empty())
            throw fail(ErrorKind::InvalidArgument,
                       "no Dashscope API key: set the DASH_API_KEY environment variable or enter the key in "
                       "Settings > Prompt extension");
        if (request.image.size() > kMaxImageBytes)
            throw fail(ErrorKind::Image, "the image is larger than 10 MiB; use a smaller first frame");

        if (!apiKey.empty() && !prompt::keyMayGoTo(endpoint.url))
            throw fail(
                ErrorKind::InvalidArgument,
                "the API key is not sent to " + endpoint.url +
                    ": it would cross the network unencrypted. Use an https:// address (plain http only to "
                    "this computer: localhost or 127.0.0.1)");
        prompt::HttpRequest http;
        http.url = endpoint.url;
        http.headers = {"Content-Type: application/json", "Accept: application/json"};
        if (!apiKey.empty())
            http.headers.push_back("Authorization: Bearer " + apiKey);
        http.body = prompt::buildRequestBody(m_settings.backend, request, endpoint.model);
        http.connectTimeout = milliseconds(std::max(1, m_settings.connectTimeoutMs));
        http.maxReplyBytes = m_settings.maxReplyBytes;

        const int maxAttempts = std::max(1, m_settings.maxAttempts);
        const milliseconds total(std::max(1, m_settings.totalTimeoutMs));
        const auto deadline = Clock::now() + total;
        std::string lastReason;

        for (int attempt = 1; attempt <= maxAttempts; ++attempt) {
            if (cancel && cancel->isCancelled())
                throw cancelled();
            const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
            if (remaining.count() <= 0)
                throw fail(ErrorKind::Network,
                           "no answer within " + std::to_string(total.count()) + " ms (" + lastReason + ")");
            http.totalTimeout = remaining;
            result.attempts = attempt;
            spdlog::info("prompt extension: asking {} ({}) at {}, attempt {}/{}", endpoint.model,
                         backendName(m_settings.backend), endpoint.url, attempt, maxAttempts);

            const prompt::HttpResponse response = m_transport->post(http, cancel);
            result.httpStatus = response.status;
            bool retryable = false;
            std::string reason;
            switch (response.error) {
            case prompt::TransportError::Cancelled:
                throw cancelled();
            case prompt::TransportError::Oversized:
                throw fail(ErrorKind::Network, "the reply from " + endpoint.url + " is larger than " +
                                                   std::to_string(m_settings.maxReplyBytes) + " bytes");
            case prompt::TransportError::Unsupported:
                throw fail(ErrorKind::InvalidArgument, response.errorText + " (" + endpoint.url + ")");
            case prompt::TransportError::Timeout:
                if (Clock::now() >= deadline - milliseconds(5))
                    throw fail(ErrorKind::Network, "timed out: no answer from " + endpoint.url + " within " +
                                                       std::to_string(total.count()) + " ms");
                reason = "timed out connecting to " + endpoint.url + ": " + response.errorText;
                retryable = true;
                break;
            case prompt::TransportError::Connect:
                reason = "cannot reach " + endpoint.url + ": " + response.errorText +
                         " (check the URL and the network, or that the local server is running)";
                retryable = true;
                break;
            case prompt::TransportError::Transfer:
                reason = "network error talking to " + endpoint.url + ": " + response.errorText;
                retryable = true;
                break;
            case prompt::TransportError::None:
                break;
            }

            if (response.error == prompt::TransportError::None) {
                const long status = response.status;
                if (status >= 200 && status < 300) {
                    std::string error;
                    auto text = prompt::parseReply(m_settings.backend, response.body, error);
                    if (!text)
                        throw fail(ErrorKind::Network,
                                   error + " (model " + endpoint.model + " at " + endpoint.url + ")");
                    result.prompt = std::move(*text);
                    spdlog::info("prompt extension: {} rewrote the prompt after {} attempt(s)",
                                 endpoint.model, attempt);
                    return result;
                }
                const std::string server = prompt::serverErrorText(response.body);
                const std::string detail =
                    "HTTP " + std::to_string(status) + (server.empty() ? "" : ": " + server);
                if (status == 401 || status == 403) {
                    throw fail(ErrorKind::Network,
                               std::string(backendName(m_settings.backend)) + " rejected the API key (" +
                                   detail +
                                   (m_settings.backend == PromptBackend::Dashscope
                                        ? "); check DASH_API_KEY or the key in Settings > Prompt extension"
                                        : "); check the key configured for this endpoint"));
                }
                if (status == 404)
                    throw fail(ErrorKind::Network, "model \"" + endpoint.model + "\" or the endpoint " +
                                                       endpoint.url + " was not found (" + detail +
                                                       "); check the model name and the base URL");
                if (!isRetryableStatus(status))
                    throw fail(ErrorKind::Network, "the service refused the request (" + detail + ")");
                reason = (status == 429 ? "rate limited (" : "server error (") + detail + ")";
                retryable = true;
            }

            lastReason = reason;
            if (!retryable || attempt == maxAttempts)
                throw fail(ErrorKind::Network, reason + " after " + std::to_string(attempt) + " attempt(s)");

            milliseconds wait = backoffDelay(m_settings, attempt);
            if (response.retryAfterMs >= 0)
                wait = milliseconds(response.retryAfterMs);
            const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
            if (wait >= left)
                throw fail(ErrorKind::Network, reason + "; the next attempt would come after the " +
                                                   std::to_string(total.count()) + " ms limit");
            spdlog::info("prompt extension: {}; retrying in {} ms", prompt::redact(reason, apiKey),
                         wait.count());
            if (!waitCancellable(wait, cancel))
                throw cancelled();
        }
        throw fail(ErrorKind::Network, lastReason);
    }

private:
    PromptExtendSettings m_settings;
    std::unique_ptr<prompt::HttpTransport> m_transport;
};

std::string lowered(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

} // namespace

std::unique_ptr<PromptExtender> makePromptExtender(const PromptExtendSettings& settings)
{
    return std::make_unique<HttpPromptExtender>(settings);
}

bool promptExtensionAvailable()
{
    return prompt::httpTransportAvailable();
}

PromptExtension testPromptExtendConnection(const PromptExtendSettings& settings, CancelToken* cancel)
{
    PromptExtendSettings quick = settings;
    quick.maxAttempts = 1;
    quick.totalTimeoutMs = std::min(settings.totalTimeoutMs, 30'000);
    PromptExtendRequest request;
    request.prompt = "a red kite flying over a beach";
    request.task = PromptTask::TextToVideo;
    request.language = PromptLanguage::English;
    return makePromptExtender(quick)->extend(request, cancel);
}

PromptTask promptTaskFor(Task task)
{
    switch (task) {
    case Task::I2V:
    case Task::FLF2V:
        return PromptTask::ImageToVideo;
    case Task::T2I:
        return PromptTask::TextToImage;
    case Task::T2V:
    case Task::VACE:
        break;
    }
    return PromptTask::TextToVideo;
}

PromptExtension extendPromptFromFlags(const PromptExtendFlags& flags, const std::string& prompt,
                                      CancelToken* cancel)
{
    if (!flags.enabled) {
        PromptExtension unchanged;
        unchanged.prompt = prompt;
        return unchanged;
    }
    auto fail = [](ErrorKind kind, const std::string& reason) {
        return PromptExtendError(kind, "prompt extension failed: " + reason);
    };

    PromptExtendSettings settings;
    const std::string method = lowered(flags.method);
    if (method == "dashscope")
        settings.backend = PromptBackend::Dashscope;
    else if (method == "local_qwen" || method == "local" || method == "openai")
        settings.backend = PromptBackend::OpenAiCompatible;
    else
        throw fail(ErrorKind::InvalidArgument,
                   "unknown --prompt_extend_method \"" + flags.method + "\" (use dashscope or local_qwen)");

    PromptExtendRequest request;
    request.prompt = prompt;
    const std::string lang = lowered(flags.targetLang);
    if (lang == "zh" || lang.empty())
        request.language = PromptLanguage::Chinese;
    else if (lang == "en")
        request.language = PromptLanguage::English;
    else
        throw fail(ErrorKind::InvalidArgument,
                   "unknown --prompt_extend_target_lang \"" + flags.targetLang + "\" (use zh or en)");

    // An official task name ("i2v-14B") or a task's stable name ("i2v"); anything else is text-to-video.
    const auto official = officialTaskFromName(flags.task);
    const auto plain = enumFromName<Task>(lowered(flags.task));
    request.task = promptTaskFor(official ? official->first : plain.value_or(Task::T2V));

    if (request.task == PromptTask::ImageToVideo) {
        settings.visionModel = flags.model;
        if (!flags.imageBytes.empty()) {
            request.image = flags.imageBytes;
        } else {
            if (flags.imagePath.empty())
                throw fail(ErrorKind::InvalidArgument,
                           "image-to-video prompt extension needs the input image (--image)");
            std::ifstream file(flags.imagePath, std::ios::binary);
            if (!file)
                throw fail(ErrorKind::Image, "cannot read the image " + flags.imagePath);
            file.seekg(0, std::ios::end);
            const auto size = static_cast<std::size_t>(std::max<std::streamoff>(0, file.tellg()));
            if (size > kMaxImageBytes)
                throw fail(ErrorKind::Image, "the image " + flags.imagePath + " is larger than 10 MiB");
            file.seekg(0);
            request.image.resize(size);
            file.read(reinterpret_cast<char*>(request.image.data()), static_cast<std::streamsize>(size));
            if (!file || size == 0)
                throw fail(ErrorKind::Image, "cannot read the image " + flags.imagePath);
        }
    } else {
        settings.textModel = flags.model;
    }
    settings.baseUrl = flags.url;
    settings.apiKey = flags.apiKey;
    if (flags.timeoutSeconds > 0)
        settings.totalTimeoutMs = flags.timeoutSeconds * 1000;
    if (flags.maxAttempts > 0)
        settings.maxAttempts = flags.maxAttempts;
    if (flags.seed >= 0)
        request.seed = flags.seed;
    return makePromptExtender(settings)->extend(request, cancel);
}

} // namespace wan
