#include "io/NameTables.h"

#include <vector>

namespace wan::io {

namespace {

constexpr std::size_t kMaxIndexDigits = 9;

// `name` against `pattern`: the index strings the '#'s stand for, or nullopt. A prefix pattern (ending in
// '.') leaves the rest of the name in `rest`.
std::optional<std::vector<std::string_view>> match(std::string_view name, std::string_view pattern,
                                                   std::string_view& rest)
{
    std::vector<std::string_view> indices;
    std::size_t n = 0;
    for (std::size_t p = 0; p < pattern.size(); ++p) {
        if (pattern[p] == '#') {
            std::size_t digits = 0;
            while (n + digits < name.size() && digits <= kMaxIndexDigits && name[n + digits] >= '0' &&
                   name[n + digits] <= '9')
                ++digits;
            if (digits == 0 || digits > kMaxIndexDigits)
                return std::nullopt;
            indices.push_back(name.substr(n, digits));
            n += digits;
        } else {
            if (n >= name.size() || name[n] != pattern[p])
                return std::nullopt;
            ++n;
        }
    }
    const bool prefix = !pattern.empty() && pattern.back() == '.';
    if (!prefix && n != name.size())
        return std::nullopt;
    rest = name.substr(n);
    return indices;
}

std::optional<std::string> substitute(const std::vector<std::string_view>& indices, std::string_view pattern,
                                      std::string_view rest)
{
    std::string out;
    std::size_t next = 0;
    for (const char c : pattern) {
        if (c != '#') {
            out.push_back(c);
            continue;
        }
        if (next >= indices.size())
            return std::nullopt; // a table error: more '#' on this side than on the other
        out.append(indices[next++]);
    }
    out.append(rest);
    return out;
}

std::optional<std::string> translate(std::string_view name, std::span<const NameRule> rules, bool forward)
{
    for (const auto& rule : rules) {
        const auto from = forward ? rule.other : rule.official;
        const auto to = forward ? rule.official : rule.other;
        std::string_view rest;
        if (const auto indices = match(name, from, rest))
            return substitute(*indices, to, rest);
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> officialName(std::string_view name, std::span<const NameRule> rules)
{
    return translate(name, rules, true);
}

std::optional<std::string> otherName(std::string_view official, std::span<const NameRule> rules)
{
    return translate(official, rules, false);
}

} // namespace wan::io
