#include "prompt/PromptProtocol.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace wan::prompt {

namespace {

using nlohmann::json;

bool endsWith(std::string_view text, std::string_view suffix)
{
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string trimTrailingSlashes(std::string url)
{
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    return url;
}

std::string envOr(const char* name, const std::string& fallback)
{
    const char* value = std::getenv(name);
    return value && *value ? std::string(value) : fallback;
}

bool isSpace(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

// Models sometimes wrap the rewrite in quotes or break it into lines; the pipeline wants one plain paragraph.
std::string cleanReply(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    bool pendingBreak = false;
    for (char ch : text) {
        if (ch == '\n' || ch == '\r') {
            pendingBreak = true;
            continue;
        }
        if (pendingBreak) {
            while (!out.empty() && isSpace(static_cast<unsigned char>(out.back())))
                out.pop_back();
            // ASCII text needs a space where the line broke; CJK text does not.
            if (!out.empty() && static_cast<unsigned char>(out.back()) < 0x80 &&
                static_cast<unsigned char>(ch) < 0x80 && !isSpace(static_cast<unsigned char>(ch)))
                out.push_back(' ');
            pendingBreak = false;
        }
        out.push_back(ch);
    }
    auto first = std::find_if_not(out.begin(), out.end(), [](char c) { return isSpace(c); });
    out.erase(out.begin(), first);
    while (!out.empty() && isSpace(static_cast<unsigned char>(out.back())))
        out.pop_back();

    const std::pair<std::string_view, std::string_view> quotes[] = {
        {"\"", "\""}, {"\xE2\x80\x9C", "\xE2\x80\x9D"}, {"\xE3\x80\x8C", "\xE3\x80\x8D"}};
    for (const auto& [open, close] : quotes) {
        if (out.size() > open.size() + close.size() && std::string_view(out).starts_with(open) &&
            endsWith(out, close)) {
            const std::string inner = out.substr(open.size(), out.size() - open.size() - close.size());
            // Only strip when the quotes wrap the whole text, not when it merely starts and ends with quotes.
            if (inner.find(open) == std::string::npos && inner.find(close) == std::string::npos)
                out = inner;
            break;
        }
    }
    return out;
}

// Content is a string, or a list of parts ({"text": ...} on Dashscope, {"type":"text","text":...} on OpenAI).
std::optional<std::string> contentText(const json& content)
{
    if (content.is_string())
        return content.get<std::string>();
    if (content.is_array()) {
        std::string joined;
        bool any = false;
        for (const auto& part : content) {
            if (part.is_object() && part.contains("text") && part["text"].is_string()) {
                joined += part["text"].get<std::string>();
                any = true;
            } else if (part.is_string()) {
                joined += part.get<std::string>();
                any = true;
            }
        }
        if (any)
            return joined;
    }
    return std::nullopt;
}

PromptTask effectiveTask(const PromptExtendRequest& request)
{
    // An I2V request without its image can only be rewritten as text.
    if (request.task == PromptTask::ImageToVideo && request.image.empty())
        return PromptTask::TextToVideo;
    return request.task;
}

} // namespace

std::string base64Encode(std::span<const std::uint8_t> bytes)
{
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const std::uint32_t v = bytes[i] << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += "==";
    } else if (rest == 2) {
        const std::uint32_t v = (bytes[i] << 16) | (bytes[i + 1] << 8);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

std::string sniffImageMime(std::span<const std::uint8_t> b)
{
    auto starts = [&](std::initializer_list<std::uint8_t> magic, std::size_t offset = 0) {
        if (b.size() < offset + magic.size())
            return false;
        return std::equal(magic.begin(), magic.end(), b.begin() + offset);
    };
    if (starts({0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}))
        return "image/png";
    if (starts({0xFF, 0xD8, 0xFF}))
        return "image/jpeg";
    if (starts({'R', 'I', 'F', 'F'}) && starts({'W', 'E', 'B', 'P'}, 8))
        return "image/webp";
    if (starts({'G', 'I', 'F', '8'}))
        return "image/gif";
    if (starts({'B', 'M'}))
        return "image/bmp";
    return {};
}

bool usesImage(const PromptExtendRequest& request)
{
    return effectiveTask(request) == PromptTask::ImageToVideo;
}

std::string imageDataUrl(const PromptExtendRequest& request)
{
    std::string mime = request.imageMime.empty() ? sniffImageMime(request.image) : request.imageMime;
    if (mime.empty())
        mime = "image/png";
    return "data:" + mime + ";base64," + base64Encode(request.image);
}

Endpoint resolveEndpoint(const PromptExtendSettings& settings, const PromptExtendRequest& request)
{
    const bool image = usesImage(request);
    Endpoint endpoint;
    if (settings.backend == PromptBackend::Dashscope) {
        std::string base =
            settings.baseUrl.empty() ? envOr("DASH_API_URL", kDashscopeInternationalUrl) : settings.baseUrl;
        // The environment redirects where the key goes: never silently (and keyMayGoTo() still applies).
        if (settings.baseUrl.empty() && base != kDashscopeInternationalUrl)
            spdlog::warn("prompt extension: DASH_API_URL sends the Dashscope request and its API key to {}", base);
        base = trimTrailingSlashes(base);
        if (endsWith(base, "/api/v1"))
            base.resize(base.size() - 7);
        endpoint.url = base + (image ? "/api/v1/services/aigc/multimodal-generation/generation"
                                     : "/api/v1/services/aigc/text-generation/generation");
        endpoint.model = image ? (settings.visionModel.empty() ? kDashscopeVisionModel : settings.visionModel)
                               : (settings.textModel.empty() ? kDashscopeTextModel : settings.textModel);
    } else {
        std::string base =
            trimTrailingSlashes(settings.baseUrl.empty() ? kLocalDefaultUrl : settings.baseUrl);
        if (endsWith(base, "/chat/completions"))
            endpoint.url = base;
        else if (endsWith(base, "/v1"))
            endpoint.url = base + "/chat/completions";
        else
            endpoint.url = base + "/v1/chat/completions";
        endpoint.model =
            image ? (settings.visionModel.empty() ? kLocalDefaultVisionModel : settings.visionModel)
                  : (settings.textModel.empty() ? kLocalDefaultTextModel : settings.textModel);
    }
    return endpoint;
}

bool keyMayGoTo(const std::string& url)
{
    auto lower = url;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (lower.rfind("https://", 0) == 0)
        return true;
    if (lower.rfind("http://", 0) != 0)
        return false;
    std::string authority = lower.substr(7, lower.find_first_of("/?#", 7) - 7);
    if (const auto at = authority.rfind('@'); at != std::string::npos)
        authority = authority.substr(at + 1);
    std::string host = authority;
    if (!host.empty() && host.front() == '[')
        host = host.substr(0, host.find(']') + 1);
    else
        host = host.substr(0, host.find(':'));
    return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

std::string resolveApiKey(const PromptExtendSettings& settings)
{
    if (!settings.apiKey.empty() || settings.backend != PromptBackend::Dashscope)
        return settings.apiKey;
    return envOr("DASH_API_KEY", {});
}

std::string buildRequestBody(PromptBackend backend, const PromptExtendRequest& request,
                             const std::string& model)
{
    const PromptTask task = effectiveTask(request);
    const std::string system = promptExtendSystemPrompt(task, request.language);
    const bool image = task == PromptTask::ImageToVideo;
    json body;
    body["model"] = model;
    if (backend == PromptBackend::Dashscope) {
        json messages = json::array();
        if (image) {
            messages.push_back({{"role", "system"}, {"content", json::array({{{"text", system}}})}});
            messages.push_back(
                {{"role", "user"},
                 {"content", json::array({{{"image", imageDataUrl(request)}}, {{"text", request.prompt}}})}});
        } else {
            messages.push_back({{"role", "system"}, {"content", system}});
            messages.push_back({{"role", "user"}, {"content", request.prompt}});
        }
        body["input"] = {{"messages", messages}};
        json parameters = {{"result_format", "message"}};
        // Dashscope accepts seeds in [0, 2^31 - 1].
        if (request.seed && *request.seed >= 0)
            parameters["seed"] = *request.seed % 2147483647LL;
        body["parameters"] = parameters;
    } else {
        json messages = json::array();
        messages.push_back({{"role", "system"}, {"content", system}});
        if (image) {
            messages.push_back({{"role", "user"},
                                {"content", json::array({{{"type", "image_url"},
                                                          {"image_url", {{"url", imageDataUrl(request)}}}},
                                                         {{"type", "text"}, {"text", request.prompt}}})}});
        } else {
            messages.push_back({{"role", "user"}, {"content", request.prompt}});
        }
        body["messages"] = messages;
        body["stream"] = false;
        if (request.seed && *request.seed >= 0)
            body["seed"] = *request.seed % 2147483647LL;
    }
    // Replace invalid UTF-8 from user input rather than throwing.
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<std::string> parseReply(PromptBackend backend, std::string_view body, std::string& error)
{
    const json reply = json::parse(body, nullptr, false);
    if (reply.is_discarded()) {
        error = "the reply is not valid JSON";
        return std::nullopt;
    }
    const json* choices = nullptr;
    if (backend == PromptBackend::Dashscope) {
        if (reply.contains("output") && reply["output"].is_object()) {
            const json& output = reply["output"];
            if (output.contains("choices"))
                choices = &output["choices"];
            else if (output.contains("text") && output["text"].is_string()) {
                const std::string text = cleanReply(output["text"].get<std::string>());
                if (text.empty()) {
                    error = "the service returned an empty prompt";
                    return std::nullopt;
                }
                return text;
            }
        }
    } else if (reply.contains("choices")) {
        choices = &reply["choices"];
    }
    if (!choices || !choices->is_array() || choices->empty() || !(*choices)[0].is_object() ||
        !(*choices)[0].contains("message") || !(*choices)[0]["message"].is_object() ||
        !(*choices)[0]["message"].contains("content")) {
        error = backend == PromptBackend::Dashscope ? "the reply has no output.choices[0].message.content"
                                                    : "the reply has no choices[0].message.content";
        // Some servers answer 200 with an error object.
        if (reply.is_object() &&
            (reply.contains("error") || (reply.contains("code") && reply.contains("message"))))
            error += " (the service said: " + serverErrorText(body) + ")";
        return std::nullopt;
    }
    const auto content = contentText((*choices)[0]["message"]["content"]);
    if (!content) {
        error = "the reply's message content is not text";
        return std::nullopt;
    }
    std::string text = cleanReply(*content);
    if (text.empty()) {
        error = "the service returned an empty prompt";
        return std::nullopt;
    }
    return text;
}

std::string serverErrorText(std::string_view body)
{
    const json reply = json::parse(body, nullptr, false);
    std::string text;
    if (!reply.is_discarded() && reply.is_object()) {
        if (reply.contains("message") && reply["message"].is_string())
            text = reply["message"].get<std::string>();
        if (reply.contains("code") && reply["code"].is_string())
            text = reply["code"].get<std::string>() + (text.empty() ? "" : ": " + text);
        if (text.empty() && reply.contains("error")) {
            const json& err = reply["error"];
            if (err.is_string())
                text = err.get<std::string>();
            else if (err.is_object() && err.contains("message") && err["message"].is_string())
                text = err["message"].get<std::string>();
        }
    }
    if (text.empty()) {
        for (char c : body.substr(0, 200))
            text += std::isprint(static_cast<unsigned char>(c)) ? c : ' ';
        while (!text.empty() && text.back() == ' ')
            text.pop_back();
    }
    if (text.size() > 300)
        text = text.substr(0, 300) + "...";
    return text;
}

std::string redact(std::string text, const std::string& secret)
{
    if (secret.size() < 4)
        return text;
    for (std::size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3))
        text.replace(pos, secret.size(), "***");
    return text;
}

int parseRetryAfterMs(std::string_view value)
{
    while (!value.empty() && isSpace(static_cast<unsigned char>(value.front())))
        value.remove_prefix(1);
    while (!value.empty() && isSpace(static_cast<unsigned char>(value.back())))
        value.remove_suffix(1);
    double seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || end != value.data() + value.size() || seconds < 0)
        return -1; // an HTTP date: fall back to our own backoff
    return static_cast<int>(std::min(seconds, 3600.0) * 1000.0);
}

} // namespace wan::prompt
