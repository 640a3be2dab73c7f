#include "dit/KeyRenames.h"

#include <array>

namespace wan::dit {

namespace {

// Longer prefixes first: the first match wins.
constexpr std::array kDitRenames{
    KeyRename{"model.diffusion_model.", ""},
    KeyRename{"diffusion_model.", ""},
};

} // namespace

std::span<const KeyRename> ditKeyRenames()
{
    return kDitRenames;
}

std::string renameKey(std::string_view key, std::span<const KeyRename> table)
{
    for (const auto& rule : table) {
        if (key.starts_with(rule.from))
            return std::string(rule.to) + std::string(key.substr(rule.from.size()));
    }
    return std::string(key);
}

std::optional<int64_t> indexAfterPrefix(std::string_view key, std::string_view prefix)
{
    if (!key.starts_with(prefix))
        return std::nullopt;
    key.remove_prefix(prefix.size());
    int64_t value = 0;
    size_t digits = 0;
    while (digits < key.size() && digits < 9 && key[digits] >= '0' && key[digits] <= '9')
        value = value * 10 + (key[digits++] - '0');
    if (digits == 0 || digits >= key.size() || key[digits] != '.')
        return std::nullopt;
    return value;
}

} // namespace wan::dit
