#pragma once
// The official prompt cleaning of the umT5 tokenizer ('whitespace' mode), on Unicode code points.
// No torch here: pure string handling, so it can be tested and fuzzed on its own.

#include <string>
#include <string_view>

namespace wan::text {

// UTF-8 -> code points. Invalid input (bad lead or continuation bytes, overlongs, surrogates, values beyond
// U+10FFFF, truncated sequences) becomes U+FFFD, one per maximal invalid subpart; never throws.
std::u32string decodeUtf8(std::string_view utf8, bool* hadInvalid = nullptr);

// Code points -> UTF-8. Surrogates and values beyond U+10FFFF are written as U+FFFD.
std::string encodeUtf8(std::u32string_view text);

// Python's html.unescape: HTML5 named references (with and without ';', longest-prefix rule), decimal and
// hexadecimal numeric references with the HTML5 replacement rules (windows-1252 for 0x80-0x9F, U+FFFD for
// surrogates and out-of-range values, invalid code points removed).
std::u32string htmlUnescape(std::u32string_view text);

// Python's str.isspace(): includes U+001C..U+001F (used by str.strip()).
bool isPythonSpace(char32_t c);
// Unicode White_Space, which is what `\s` matches in the `regex` module the official cleaner uses
// (unlike str.isspace(), it excludes U+001C..U+001F).
bool isUnicodeWhiteSpace(char32_t c);

// The parts of ftfy.fix_text (6.x defaults) that change SentencePiece tokens and need no heuristics, in
// ftfy's order, repeated until nothing changes: fix_c1_controls (U+0080..U+009F read as windows-1252),
// uncurl_quotes, remove_terminal_escapes (ESC [ digits/';' letter) and remove_control_chars.
std::u32string ftfySubset(std::u32string_view text);

// The official HuggingfaceTokenizer._clean with clean='whitespace':
//   ftfy.fix_text -> html.unescape twice -> strip -> `\s+` to one space -> strip.
// ftfy is Python only; ftfySubset() stands in for it. Left out, with why it matters little:
//   - fix_encoding (mojibake repair such as "Ã©" -> "é"): heuristic; only garbled input differs;
//   - fix_character_width, fix_latin_ligatures and NFC: spiece.model's NFKC normaliser gives the same tokens;
//   - fix_line_breaks and fix_surrogates: line breaks are collapsed to one space anyway, and decoded UTF-8
//   has
//     no surrogates;
//   - ftfy's own HTML unescape (segments without '<'): adds a third unescape, visible only on triple-escaped
//     entities such as "&amp;amp;amp;".
// The reference fixtures were generated with ftfy as the identity and contain none of the characters above.
std::string cleanPrompt(std::string_view utf8);

} // namespace wan::text
