// The libcurl transport. The multi interface is driven by hand so that cancellation is noticed within one
// short poll even while the server sends nothing (libcurl's progress callback can then be a second apart).

#include "prompt/HttpTransport.h"
#include "prompt/PromptProtocol.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <strings.h>

namespace wan::prompt {

namespace {

constexpr int kPollSliceMs = 25;

void initCurlOnce()
{
    static std::once_flag once;
    std::call_once(once, [] {
        const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
        if (code != CURLE_OK)
            spdlog::error("prompt extension: curl_global_init failed: {}", curl_easy_strerror(code));
    });
}

struct TransferState
{
    std::string body;
    std::size_t maxBytes = 0;
    bool oversized = false;
    int retryAfterMs = -1;
    CancelToken* cancel = nullptr;
};

std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user)
{
    auto* state = static_cast<TransferState*>(user);
    const std::size_t bytes = size * count;
    if (state->body.size() + bytes > state->maxBytes) {
        state->oversized = true;
        return 0; // makes libcurl stop with CURLE_WRITE_ERROR
    }
    state->body.append(data, bytes);
    return bytes;
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user)
{
    auto* state = static_cast<TransferState*>(user);
    const std::size_t bytes = size * count;
    std::string_view line(data, bytes);
    // A new status line (after a redirect or 100 Continue) starts a new header block.
    if (line.starts_with("HTTP/"))
        state->retryAfterMs = -1;
    constexpr std::string_view kName = "retry-after:";
    if (line.size() > kName.size() && strncasecmp(line.data(), kName.data(), kName.size()) == 0)
        state->retryAfterMs = parseRetryAfterMs(line.substr(kName.size()));
    return bytes;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    const auto* state = static_cast<TransferState*>(user);
    return state->cancel && state->cancel->isCancelled() ? 1 : 0;
}

TransportError classify(CURLcode code)
{
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
        return TransportError::Timeout;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return TransportError::Unsupported;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
        return TransportError::Connect;
    default:
        return TransportError::Transfer;
    }
}

class CurlTransport final : public HttpTransport
{
public:
    CurlTransport() { initCurlOnce(); }

    HttpResponse post(const HttpRequest& request, CancelToken* cancel) override
    {
        HttpResponse response;
        CURL* easy = curl_easy_init();
        CURLM* multi = curl_multi_init();
        if (!easy || !multi) {
            if (easy)
                curl_easy_cleanup(easy);
            if (multi)
                curl_multi_cleanup(multi);
            response.error = TransportError::Unsupported;
            response.errorText = "libcurl could not create a handle";
            return response;
        }

        TransferState state;
        state.maxBytes = request.maxReplyBytes;
        state.cancel = cancel;

        curl_slist* headers = nullptr;
        for (const auto& header : request.headers)
            headers = curl_slist_append(headers, header.c_str());
        // A large image body would otherwise wait for "100 Continue" first.
        headers = curl_slist_append(headers, "Expect:");

        char errorBuffer[CURL_ERROR_SIZE] = {};
        curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
        curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
        curl_easy_setopt(easy, CURLOPT_POST, 1L);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connectTimeout.count()));
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS,
                         static_cast<long>(std::max<long long>(1, request.totalTimeout.count())));
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, ""); // whatever this libcurl can decode
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, onBody);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, &state);
        curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, onHeader);
        curl_easy_setopt(easy, CURLOPT_HEADERDATA, &state);
        curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, onProgress);
        curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &state);
        curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errorBuffer);
        curl_easy_setopt(easy, CURLOPT_USERAGENT, "WanStudio/0.1");

        curl_multi_add_handle(multi, easy);
        CURLcode result = CURLE_OK;
        bool done = false;
        bool cancelled = false;
        while (!done) {
            if (cancel && cancel->isCancelled()) {
                cancelled = true;
                break;
            }
            int running = 0;
            const CURLMcode mcode = curl_multi_perform(multi, &running);
            if (mcode != CURLM_OK) {
                result = CURLE_RECV_ERROR;
                break;
            }
            int queued = 0;
            while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
                if (message->msg == CURLMSG_DONE) {
                    result = message->data.result;
                    done = true;
                }
            }
            if (!done && running == 0) {
                result = CURLE_GOT_NOTHING;
                done = true;
            }
            if (!done)
                curl_multi_poll(multi, nullptr, 0, kPollSliceMs, nullptr);
        }

        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
        curl_multi_remove_handle(multi, easy);
        curl_easy_cleanup(easy);
        curl_multi_cleanup(multi);
        curl_slist_free_all(headers);

        response.body = std::move(state.body);
        response.retryAfterMs = state.retryAfterMs;
        if (cancelled || result == CURLE_ABORTED_BY_CALLBACK) {
            response.error = TransportError::Cancelled;
            response.errorText = "cancelled";
        } else if (state.oversized) {
            response.error = TransportError::Oversized;
            response.errorText = "reply larger than the limit";
        } else if (result != CURLE_OK) {
            response.error = classify(result);
            response.errorText =
                errorBuffer[0] ? std::string(errorBuffer) : std::string(curl_easy_strerror(result));
        } else {
            response.error = TransportError::None;
        }
        return response;
    }
};

} // namespace

std::unique_ptr<HttpTransport> makeHttpTransport()
{
    return std::make_unique<CurlTransport>();
}

bool httpTransportAvailable()
{
    return true;
}

} // namespace wan::prompt
