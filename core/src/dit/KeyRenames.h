#pragma once
// Other checkpoint layouts mapped onto the official Wan2.1 key names by prefix tables (no torch here).

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

} // namespace wan::dit
