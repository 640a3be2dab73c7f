#pragma once
// Pieces of the downloader shared between its files and its tests: globbing, hub listings, hashing and the
// HTTP layer (libcurl, or a stub in builds without it).

#include "wan/Download.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wan::download {

// `*` matches inside one path segment, `**` across segments, `?` one character (not '/').
bool globMatch(std::string_view pattern, std::string_view path);

// One file of a hub listing.
struct HubEntry
{
    std::string path;
    std::uint64_t size = 0;
    std::string sha256;
    std::string gitSha1;
};

// A Hugging Face tree API page (`/api/models/<repo>/tree/<rev>?recursive=true`); directories are skipped.
// Throws Error(Network) naming `url` when the JSON is not a listing.
std::vector<HubEntry> parseHfTree(const std::string& json, const std::string& url);
// A ModelScope file listing (`/api/v1/models/<repo>/repo/files?Recursive=true`).
std::vector<HubEntry> parseModelScopeFiles(const std::string& json, const std::string& url);
// `<...>; rel="next"` of an HTTP Link header, or "".
std::string linkNext(std::string_view linkHeader);

std::string hfTreeUrl(const HubEndpoint& endpoint, const std::string& repo);
std::string fileUrl(const HubEndpoint& endpoint, const std::string& repo, const std::string& path);
std::string percentEncodePath(std::string_view path); // keeps '/'

// Picks the files of `set` from per-repository listings (listing(repo) -> entries). Throws
// Error(InvalidArgument) when a part matches nothing (the repository layout changed) or the endpoint does not
// carry a repository.
ResolvedModelSet selectFiles(const ModelSet& set, const HubEndpoint& endpoint,
                             const std::function<std::vector<HubEntry>(const std::string& repo)>& listing);

// SHA-256, or the git blob SHA-1 ("blob <size>\0" + content) of small files that have no LFS oid.
class Hasher
{
public:
    enum class Kind
    {
        Sha256 = 1,
        GitSha1,
        None
    };
    Hasher(Kind kind, std::uint64_t size);
    ~Hasher();
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;

    void reset();
    void update(const void* data, std::size_t size);
    std::string hexDigest(); // finishes; call reset() before reuse
    Kind kind() const { return m_kind; }

private:
    Kind m_kind;
    std::uint64_t m_size;
    void* m_ctx = nullptr; // EVP_MD_CTX
};

// What one HTTP exchange ended with.
struct HttpOutcome
{
    long status = 0;       // 0 when no response arrived
    int curlCode = 0;      // CURLcode; 0 = the transfer itself completed
    std::string curlError; // libcurl's text
    int retryAfterMs = -1;
    std::string linkNext;
    std::string contentRange; // raw value of Content-Range
    std::string body;         // the body of a non-2xx reply (first 4 KB) or of a text GET
    bool cancelled = false;
    bool sinkStopped = false; // the sink refused data (disk write failed, wrong range)
};

class HttpSink
{
public:
    virtual ~HttpSink() = default;
    // The response is 2xx: start receiving. `contentRange` is the raw header (empty on 200). False stops.
    virtual bool begin(long status, const std::string& contentRange) = 0;
    virtual bool data(const char* bytes, std::size_t size) = 0;
};

struct HttpRequest
{
    std::string url;
    std::string token;
    std::uint64_t rangeStart = 0;         // > 0: "Range: bytes=<n>-"
    std::size_t maxTextBytes = 64u << 20; // for getText
    const DownloadOptions* options = nullptr;
};

// GET into memory (listings). Never throws for HTTP or network failures: the outcome says what happened.
HttpOutcome httpGetText(const HttpRequest& request, CancelToken* cancel);
// GET streamed into `sink` (2xx bodies only).
HttpOutcome httpGetStream(const HttpRequest& request, HttpSink& sink, CancelToken* cancel);
bool httpAvailable();

// Retrying is worth it: 408/429/5xx, connection reset, timeouts, truncated bodies, DNS hiccups.
bool isRetryable(const HttpOutcome& outcome);
// A message for the user: what failed (`what` names the file or listing), why, and the fix.
std::string describeFailure(const HttpOutcome& outcome, const std::string& what, const std::string& url,
                            bool tokenGiven);
// The same text for a libcurl error code alone (DNS, TLS, ...).
std::string describeCurlCode(int curlCode, const std::string& curlError, const std::string& url);

// GET with bounded retries (Retry-After honoured) for listings; throws Error(Network / Cancelled).
std::string fetchText(const std::string& url, const std::string& what, const DownloadOptions& options,
                      CancelToken* cancel, std::string* nextPage = nullptr);

// Sleeps up to `duration`, returning early (false) when cancelled.
bool sleepCancellable(std::chrono::milliseconds duration, CancelToken* cancel);

// The errno text with the usual fixes (disk full, file size limit, permissions).
std::string describeWriteErrno(int err);

} // namespace wan::download
