#include "media/MediaTypes.h"

#include <nlohmann/json.hpp>

namespace wan::media {

std::string metadataToJson(const MediaMetadata& metadata)
{
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [key, value] : metadata.tags)
        object[key] = value;
    return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool metadataFromJson(const std::string& json, MediaMetadata& metadata)
{
    const auto object = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (!object.is_object())
        return false;
    MediaMetadata parsed;
    for (const auto& [key, value] : object.items()) {
        if (!value.is_string())
            return false;
        parsed.tags[key] = value.get<std::string>();
    }
    metadata = std::move(parsed);
    return true;
}

} // namespace wan::media
