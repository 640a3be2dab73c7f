#pragma once
// Other checkpoint layouts mapped onto the official Wan2.1 key names by prefix tables (no torch here).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace wan::dit {

struct KeyRename
{
    std::string_view from; // prefix in the other layout
    std::string_view to;   // replacement giving the official name
};

// Single-file DiT layouts (ComfyUI and similar) onto the official WanModel names.
std::span<const KeyRename> ditKeyRenames();

// `key` with the first matching rule's prefix replaced; unchanged when no rule matches.
std::string renameKey(std::string_view key, std::span<const KeyRename> table);

// N for a key "<prefix>N.<rest>" (e.g. prefix "blocks." and "blocks.12.ffn.0.weight" give 12), else nullopt.
std::optional<int64_t> indexAfterPrefix(std::string_view key, std::string_view prefix);

} // namespace wan::dit
