// Builds without libcurl: the catalogue works, every transfer reports that downloading is unavailable.
#include "download/DownloadInternal.h"

namespace wan::download {

namespace {
HttpOutcome unavailable()
{
    HttpOutcome outcome;
    outcome.curlCode = -1;
    outcome.curlError =
        "this build has no libcurl (install libcurl4-openssl-dev and rebuild to download models)";
    return outcome;
}
} // namespace

HttpOutcome httpGetText(const HttpRequest&, CancelToken*)
{
    return unavailable();
}

HttpOutcome httpGetStream(const HttpRequest&, HttpSink&, CancelToken*)
{
    return unavailable();
}

bool httpAvailable()
{
    return false;
}

bool isRetryable(const HttpOutcome&)
{
    return false;
}

std::string describeCurlCode(int, const std::string& curlError, const std::string&)
{
    return curlError;
}

} // namespace wan::download
