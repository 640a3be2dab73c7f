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

} // namespace wan::dit
