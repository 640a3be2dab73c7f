// The downloader's HTTP layer on libcurl: one easy handle per transfer, run on the calling (download) thread.
// Proxies come from the environment as libcurl reads them (http_proxy, https_proxy, no_proxy).
#include "download/DownloadInternal.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <strings.h>

namespace wan::download {

namespace {

constexpr std::size_t kErrorBodyBytes = 4096;

void initCurlOnce()
{
    static std::once_flag once;
    std::call_once(once, [] {
        const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
        if (code != CURLE_OK)
            spdlog::error("download: curl_global_init failed: {}", curl_easy_strerror(code));
    });
}

int parseRetryAfter(std::string_view value)
{
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    long seconds = 0;
    bool any = false;
    for (char c : value) {
        if (c < '0' || c > '9')
            break;
        seconds = seconds * 10 + (c - '0');
        any = true;
        if (seconds > 86400)
            break;
    }
    if (any)
        return static_cast<int>(std::min<long>(seconds, 86400) * 1000);
    const time_t when = curl_getdate(std::string(value).c_str(), nullptr); // an HTTP date
    if (when <= 0)
        return -1;
    const long delta = static_cast<long>(when - time(nullptr));
    return static_cast<int>(std::clamp<long>(delta, 0, 86400) * 1000);
}

struct Transfer
{
    HttpOutcome outcome;
    HttpSink* sink = nullptr;
    std::string* text = nullptr;
    std::size_t maxText = 0;
    CancelToken* cancel = nullptr;
    CURL* easy = nullptr;
    bool started = false;
    bool success = false; // 2xx
    std::string retryAfterRaw;
};

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user)
{
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    std::string_view line(data, bytes);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    if (line.starts_with("HTTP/")) { // a new header block (after a redirect)
        transfer->outcome.retryAfterMs = -1;
        transfer->outcome.contentRange.clear();
        transfer->outcome.linkNext.clear();
        return bytes;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos)
        return bytes;
    const std::string_view name = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
    auto is = [&](const char* wanted) {
        return name.size() == strlen(wanted) && strncasecmp(name.data(), wanted, name.size()) == 0;
    };
    if (is("retry-after"))
        transfer->outcome.retryAfterMs = parseRetryAfter(value);
    else if (is("content-range"))
        transfer->outcome.contentRange = std::string(value);
    else if (is("link"))
        transfer->outcome.linkNext = linkNext(value);
    return bytes;
}

std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user)
{
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t bytes = size * count;
    if (!transfer->started) {
        transfer->started = true;
        curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE, &transfer->outcome.status);
        transfer->success = transfer->outcome.status >= 200 && transfer->outcome.status < 300;
        if (transfer->success && transfer->sink &&
            !transfer->sink->begin(transfer->outcome.status, transfer->outcome.contentRange)) {
            transfer->outcome.sinkStopped = true;
            return 0;
        }
    }
    if (!transfer->success || transfer->text) {
        std::string& target = transfer->text && transfer->success ? *transfer->text : transfer->outcome.body;
        const std::size_t limit = transfer->success ? transfer->maxText : kErrorBodyBytes;
        if (target.size() + bytes > limit) {
            if (transfer->success) {
                transfer->outcome.sinkStopped = true;
                return 0;
            }
            target.append(data, limit - std::min(limit, target.size()));
            return bytes;
        }
        target.append(data, bytes);
        return bytes;
    }
    if (!transfer->sink->data(data, bytes)) {
        transfer->outcome.sinkStopped = true;
        return 0;
    }
    return bytes;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    const auto* transfer = static_cast<Transfer*>(user);
    return transfer->cancel && transfer->cancel->isCancelled() ? 1 : 0;
}

HttpOutcome perform(const HttpRequest& request, Transfer& transfer)
{
    initCurlOnce();
    CURL* easy = curl_easy_init();
    if (!easy) {
        transfer.outcome.curlCode = CURLE_FAILED_INIT;
        transfer.outcome.curlError = "libcurl could not create a handle";
        return transfer.outcome;
    }
    transfer.easy = easy;
    const DownloadOptions defaults;
    const DownloadOptions& options = request.options ? *request.options : defaults;

    curl_slist* headers = nullptr;
    if (!request.token.empty())
        headers = curl_slist_append(headers, ("Authorization: Bearer " + request.token).c_str());
    char errorBuffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 10L);
    // Custom Authorization headers are not sent on to another host after a redirect (the hub's CDN gets a
    // signed URL instead); CURLOPT_UNRESTRICTED_AUTH stays off.
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    std::string range;
    if (request.rangeStart > 0) {
        range = std::to_string(request.rangeStart) + "-";
        curl_easy_setopt(easy, CURLOPT_RANGE, range.c_str());
    }
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options.connectTimeout.count() * 1000));
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME,
                     static_cast<long>(std::max<long long>(1, options.stallTimeout.count())));
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "WanStudio/0.1 (model downloader)");

    const CURLcode code = curl_easy_perform(easy);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    transfer.outcome.status = status;
    if (code == CURLE_OK && !transfer.started && status >= 200 && status < 300 && transfer.sink &&
        !transfer.sink->begin(status, transfer.outcome.contentRange)) // an empty body
        transfer.outcome.sinkStopped = true;
    curl_easy_cleanup(easy);
    curl_slist_free_all(headers);

    if (code == CURLE_ABORTED_BY_CALLBACK || (transfer.cancel && transfer.cancel->isCancelled())) {
        transfer.outcome.cancelled = true;
    } else if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && transfer.outcome.sinkStopped)) {
        transfer.outcome.curlCode = code;
        transfer.outcome.curlError = errorBuffer[0] ? std::string(errorBuffer) : curl_easy_strerror(code);
    }
    return transfer.outcome;
}

} // namespace

HttpOutcome httpGetText(const HttpRequest& request, CancelToken* cancel)
{
    Transfer transfer;
    std::string text;
    transfer.text = &text;
    transfer.maxText = request.maxTextBytes;
    transfer.cancel = cancel;
    HttpOutcome outcome = perform(request, transfer);
    if (outcome.status >= 200 && outcome.status < 300)
        outcome.body = std::move(text);
    return outcome;
}

HttpOutcome httpGetStream(const HttpRequest& request, HttpSink& sink, CancelToken* cancel)
{
    Transfer transfer;
    transfer.sink = &sink;
    transfer.cancel = cancel;
    return perform(request, transfer);
}

bool httpAvailable()
{
    return true;
}

bool isRetryable(const HttpOutcome& outcome)
{
    if (outcome.cancelled || outcome.sinkStopped)
        return false;
    if (outcome.curlCode != 0) {
        switch (outcome.curlCode) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_PARTIAL_FILE:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
            return true;
        default:
            return false;
        }
    }
    return outcome.status == 408 || outcome.status == 429 || outcome.status >= 500;
}

std::string describeCurlCode(int curlCode, const std::string& curlError, const std::string& url)
{
    switch (curlCode) {
    case CURLE_COULDNT_RESOLVE_HOST:
        return "cannot resolve the host name of " + url + " (DNS failure: " + curlError +
               "). Check the network connection, the proxy settings (https_proxy) or the --endpoint.";
    case CURLE_COULDNT_RESOLVE_PROXY:
        return "cannot resolve the proxy's host name (" + curlError + "): check http_proxy / https_proxy.";
    case CURLE_COULDNT_CONNECT:
        return "cannot connect to " + url + " (" + curlError +
               "). Check the network connection, a firewall or proxy, or try another --endpoint.";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
        return "the secure (TLS) connection to " + url + " failed (" + curlError +
               "). A proxy that intercepts TLS, missing CA certificates (install ca-certificates) or a wrong "
               "system clock are the usual causes.";
    case CURLE_OPERATION_TIMEDOUT:
        return "the transfer from " + url + " stalled (" + curlError + "). Check the connection and retry.";
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
        return "the connection to " + url + " broke (" + curlError + "). Run the download again to resume.";
    case CURLE_TOO_MANY_REDIRECTS:
        return "too many redirects from " + url + ": check the --endpoint.";
    default:
        return "the transfer from " + url + " failed (" + curlError + ").";
    }
}

} // namespace wan::download
