// Used when the engine is built with WAN_WITH_CURL=OFF: every request fails with a clear message.

#include "prompt/HttpTransport.h"

namespace wan::prompt {

namespace {

class StubTransport final : public HttpTransport
{
public:
    HttpResponse post(const HttpRequest&, CancelToken*) override
    {
        HttpResponse response;
        response.error = TransportError::Unsupported;
        response.errorText = "prompt extension is not available: Wan Studio was built without libcurl";
        return response;
    }
};

} // namespace

std::unique_ptr<HttpTransport> makeHttpTransport()
{
    return std::make_unique<StubTransport>();
}

bool httpTransportAvailable()
{
    return false;
}

} // namespace wan::prompt
