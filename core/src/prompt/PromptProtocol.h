#pragma once
// Wire formats of the two back ends and the small helpers around them. Pure functions: no network.

#include "wan/PromptExtend.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace wan::prompt {

std::string base64Encode(std::span<const std::uint8_t> bytes);

// "image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp" from the magic bytes; empty when unknown.
std::string sniffImageMime(std::span<const std::uint8_t> bytes);

// "data:<mime>;base64,<...>"
std::string imageDataUrl(const PromptExtendRequest& request);

bool usesImage(const PromptExtendRequest& request);

struct Endpoint
{
    std::string url;
    std::string model;
};

// Whether an API key may be sent to `url`: https anywhere, plain http only to this computer (localhost,
// 127.x.x.x, [::1]), where nothing crosses a network.
bool keyMayGoTo(const std::string& url);

// Resolves the defaults (environment included) into the URL to POST and the model to name.
Endpoint resolveEndpoint(const PromptExtendSettings& settings, const PromptExtendRequest& request);
std::string resolveApiKey(const PromptExtendSettings& settings);

std::string buildRequestBody(PromptBackend backend, const PromptExtendRequest& request,
                             const std::string& model);

// The text of the first choice, trimmed; nullopt and `error` set when the reply has no usable text.
std::optional<std::string> parseReply(PromptBackend backend, std::string_view body, std::string& error);

// The server's own error message from an error body (Dashscope {"code","message"}, OpenAI {"error":{...}}).
std::string serverErrorText(std::string_view body);

// Replaces every occurrence of `secret` (when it is at least 4 characters long) with "***".
std::string redact(std::string text, const std::string& secret);

// Retry-After header value in seconds; -1 when absent or not a number of seconds.
int parseRetryAfterMs(std::string_view value);

} // namespace wan::prompt
