#pragma once
// One HTTP POST, no retries: the seam between the prompt logic and libcurl (or the stub without it).

#include "wan/CancelToken.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace wan::prompt {

struct HttpRequest
{
    std::string url;
    std::vector<std::string> headers; // "Name: value"
    std::string body;
    std::chrono::milliseconds connectTimeout{10'000};
    std::chrono::milliseconds totalTimeout{60'000};
    std::size_t maxReplyBytes = 1u << 20;
};

enum class TransportError
{
    None = 1,
    Connect,     // refused, unreachable, DNS, TLS handshake
    Timeout,     // connect or total timeout
    Transfer,    // connection dropped mid-reply, nothing received
    Oversized,   // the reply exceeded maxReplyBytes
    Cancelled,   // the CancelToken fired
    Unsupported, // built without libcurl, bad URL scheme
};

struct HttpResponse
{
    TransportError error = TransportError::None;
    std::string errorText; // libcurl's description when error != None
    long status = 0;
    std::string body;
    int retryAfterMs = -1; // from a Retry-After header given in seconds; -1 when absent
};

class HttpTransport
{
public:
    virtual ~HttpTransport() = default;
    virtual HttpResponse post(const HttpRequest& request, CancelToken* cancel) = 0;
};

// libcurl when built with it, else a transport that always answers Unsupported.
std::unique_ptr<HttpTransport> makeHttpTransport();
bool httpTransportAvailable();

} // namespace wan::prompt
