#include "text/PromptCleaner.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>

namespace wan::text {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

struct NamedEntity
{
    const char* name;
    std::array<char32_t, 2> value; // second code point 0 when unused
};

constexpr NamedEntity kNamedEntities[] = {
#include "text/HtmlEntities.inc"
};

const NamedEntity* findEntity(std::string_view name)
{
    const auto* begin = std::begin(kNamedEntities);
    const auto* end = std::end(kNamedEntities);
    const auto* it = std::lower_bound(begin, end, name,
                                      [](const NamedEntity& e, std::string_view n) { return e.name < n; });
    if (it != end && it->name == name)
        return it;
    return nullptr;
}

void appendEntity(std::u32string& out, const NamedEntity& e)
{
    out.push_back(e.value[0]);
    if (e.value[1] != 0)
        out.push_back(e.value[1]);
}

// HTML5 "parse error" code points that html.unescape maps through windows-1252 instead of their own value.
char32_t windows1252Replacement(std::uint64_t num, bool* found)
{
    static constexpr char32_t kTable[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                            0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                                            0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                            0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};
    *found = true;
    if (num == 0x00)
        return kReplacement;
    if (num == 0x0D)
        return 0x0D;
    if (num >= 0x80 && num <= 0x9F)
        return kTable[num - 0x80];
    *found = false;
    return 0;
}

// Code points html.unescape drops (C0/C1 controls other than whitespace, noncharacters).
bool isDroppedCodePoint(std::uint64_t num)
{
    if ((num >= 0x1 && num <= 0x8) || num == 0xB || (num >= 0xE && num <= 0x1F) ||
        (num >= 0x7F && num <= 0x9F))
        return true;
    if (num >= 0xFDD0 && num <= 0xFDEF)
        return true;
    return (num & 0xFFFE) == 0xFFFE && num <= 0x10FFFF;
}

bool isAsciiDigit(char32_t c)
{
    return c >= U'0' && c <= U'9';
}

int hexValue(char32_t c)
{
    if (c >= U'0' && c <= U'9')
        return int(c - U'0');
    if (c >= U'a' && c <= U'f')
        return int(c - U'a') + 10;
    if (c >= U'A' && c <= U'F')
        return int(c - U'A') + 10;
    return -1;
}

// Characters that end a named reference in html.unescape's pattern `[^\t\n\f <&#;]{1,32};?`.
bool endsEntityName(char32_t c)
{
    return c == U'\t' || c == U'\n' || c == U'\f' || c == U' ' || c == U'<' || c == U'&' || c == U'#' ||
           c == U';';
}

// Tries a reference starting at text[pos] == '&'. On a match appends the replacement and returns the index
// just past the consumed text; otherwise returns pos (nothing consumed).
std::size_t replaceReference(std::u32string_view text, std::size_t pos, std::u32string& out)
{
    const std::size_t n = text.size();
    std::size_t i = pos + 1;
    if (i < n && text[i] == U'#') {
        ++i;
        const bool hex = i < n && (text[i] == U'x' || text[i] == U'X');
        std::size_t digitsBegin = hex ? i + 1 : i;
        std::size_t j = digitsBegin;
        // Saturate: anything past U+10FFFF is treated alike, so huge digit strings cannot overflow.
        constexpr std::uint64_t kCap = 0x7FFFFFFF;
        std::uint64_t num = 0;
        while (j < n && (hex ? hexValue(text[j]) >= 0 : isAsciiDigit(text[j]))) {
            const std::uint64_t digit =
                hex ? std::uint64_t(hexValue(text[j])) : std::uint64_t(text[j] - U'0');
            num = std::min<std::uint64_t>(kCap, num * (hex ? 16 : 10) + digit);
            ++j;
        }
        if (j == digitsBegin)
            return pos; // "&#" or "&#x" without digits is left as it is
        if (j < n && text[j] == U';')
            ++j;
        bool special = false;
        const char32_t mapped = windows1252Replacement(num, &special);
        if (special)
            out.push_back(mapped);
        else if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF)
            out.push_back(kReplacement);
        else if (!isDroppedCodePoint(num))
            out.push_back(char32_t(num));
        return j;
    }

    std::size_t j = i;
    while (j < n && j - i < 32 && !endsEntityName(text[j]))
        ++j;
    if (j == i)
        return pos;
    if (j < n && text[j] == U';')
        ++j;
    const std::u32string_view captured = text.substr(i, j - i);
    // Entity names are ASCII; a capture with other characters can only match through a shorter ASCII prefix.
    std::string ascii;
    ascii.reserve(captured.size());
    for (char32_t c : captured) {
        if (c >= 0x80)
            break;
        ascii.push_back(char(c));
    }
    if (ascii.size() == captured.size()) {
        if (const auto* e = findEntity(ascii)) {
            appendEntity(out, *e);
            return j;
        }
    }
    // Longest prefix of at least two characters, shorter than the whole capture.
    for (std::size_t len = std::min(captured.size() - 1, ascii.size()); len >= 2; --len) {
        if (const auto* e = findEntity(std::string_view(ascii).substr(0, len))) {
            appendEntity(out, *e);
            out.append(captured.substr(len));
            return j;
        }
    }
    out.push_back(U'&');
    out.append(captured);
    return j;
}

template <typename Pred> std::u32string_view stripIf(std::u32string_view s, Pred pred)
{
    while (!s.empty() && pred(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && pred(s.back()))
        s.remove_suffix(1);
    return s;
}

bool isFtfyControlChar(char32_t c)
{
    return c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F || (c >= 0x206A && c <= 0x206F) ||
           c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
}

// One pass of the ftfy fixers we reproduce, in ftfy's order.
std::u32string ftfyPass(std::u32string_view text)
{
    std::u32string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char32_t c = text[i];
        // fix_c1_controls: C1 controls read as (sloppy) windows-1252, as browsers do.
        if (c >= 0x80 && c <= 0x9F) {
            bool unused = false;
            c = windows1252Replacement(c, &unused);
        }
        // uncurl_quotes
        if (c == 0x02BC || (c >= 0x2018 && c <= 0x201B))
            c = U'\'';
        else if (c >= 0x201C && c <= 0x201F)
            c = U'"';
        out.push_back(c);
    }
    // remove_terminal_escapes: ESC '[' [0-9;]* letter
    std::u32string noEscapes;
    noEscapes.reserve(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i] == 0x1B && i + 1 < out.size() && out[i + 1] == U'[') {
            std::size_t j = i + 2;
            while (j < out.size() && (isAsciiDigit(out[j]) || out[j] == U';'))
                ++j;
            if (j < out.size() &&
                ((out[j] >= U'a' && out[j] <= U'z') || (out[j] >= U'A' && out[j] <= U'Z'))) {
                i = j;
                continue;
            }
        }
        noEscapes.push_back(out[i]);
    }
    // remove_control_chars
    std::u32string result;
    result.reserve(noEscapes.size());
    for (char32_t c : noEscapes)
        if (!isFtfyControlChar(c))
            result.push_back(c);
    return result;
}

} // namespace

std::u32string ftfySubset(std::u32string_view text)
{
    std::u32string current(text);
    // ftfy repeats its fixers until nothing changes; these converge in at most a few passes.
    for (int pass = 0; pass < 8; ++pass) {
        std::u32string next = ftfyPass(current);
        if (next == current)
            break;
        current = std::move(next);
    }
    return current;
}

std::u32string decodeUtf8(std::string_view utf8, bool* hadInvalid)
{
    std::u32string out;
    out.reserve(utf8.size());
    bool invalid = false;
    const auto* s = reinterpret_cast<const unsigned char*>(utf8.data());
    const std::size_t n = utf8.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char b0 = s[i];
        if (b0 < 0x80) {
            out.push_back(b0);
            ++i;
            continue;
        }
        int need = 0;
        char32_t cp = 0;
        unsigned char lo = 0x80, hi = 0xBF; // valid range of the second byte
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            need = 1;
            cp = b0 & 0x1F;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            need = 2;
            cp = b0 & 0x0F;
            if (b0 == 0xE0)
                lo = 0xA0; // no overlongs
            if (b0 == 0xED)
                hi = 0x9F; // no surrogates
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            need = 3;
            cp = b0 & 0x07;
            if (b0 == 0xF0)
                lo = 0x90;
            if (b0 == 0xF4)
                hi = 0x8F; // nothing past U+10FFFF
        } else {
            out.push_back(kReplacement);
            invalid = true;
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        bool ok = true;
        for (int k = 0; k < need; ++k, ++j) {
            const unsigned char lower = k == 0 ? lo : 0x80;
            const unsigned char upper = k == 0 ? hi : 0xBF;
            if (j >= n || s[j] < lower || s[j] > upper) {
                ok = false;
                break;
            }
            cp = (cp << 6) | (s[j] & 0x3F);
        }
        if (ok) {
            out.push_back(cp);
        } else {
            out.push_back(kReplacement);
            invalid = true;
        }
        i = j;
    }
    if (hadInvalid)
        *hadInvalid = invalid;
    return out;
}

std::string encodeUtf8(std::u32string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char32_t c : text) {
        if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
            c = kReplacement;
        if (c < 0x80) {
            out.push_back(char(c));
        } else if (c < 0x800) {
            out.push_back(char(0xC0 | (c >> 6)));
            out.push_back(char(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            out.push_back(char(0xE0 | (c >> 12)));
            out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(char(0x80 | (c & 0x3F)));
        } else {
            out.push_back(char(0xF0 | (c >> 18)));
            out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
            out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
            out.push_back(char(0x80 | (c & 0x3F)));
        }
    }
    return out;
}

std::u32string htmlUnescape(std::u32string_view text)
{
    std::u32string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == U'&') {
            const std::size_t next = replaceReference(text, i, out);
            if (next != i) {
                i = next;
                continue;
            }
        }
        out.push_back(text[i]);
        ++i;
    }
    return out;
}

bool isUnicodeWhiteSpace(char32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

bool isPythonSpace(char32_t c)
{
    return isUnicodeWhiteSpace(c) || (c >= 0x1C && c <= 0x1F);
}

std::string cleanPrompt(std::string_view utf8)
{
    const std::u32string fixed = ftfySubset(decodeUtf8(utf8));
    const std::u32string unescaped = htmlUnescape(htmlUnescape(fixed));
    const std::u32string_view stripped = stripIf(std::u32string_view(unescaped), isPythonSpace);

    std::u32string collapsed;
    collapsed.reserve(stripped.size());
    bool inRun = false;
    for (char32_t c : stripped) {
        if (isUnicodeWhiteSpace(c)) {
            if (!inRun)
                collapsed.push_back(U' ');
            inRun = true;
        } else {
            collapsed.push_back(c);
            inRun = false;
        }
    }
    return encodeUtf8(stripIf(std::u32string_view(collapsed), isPythonSpace));
}

} // namespace wan::text
