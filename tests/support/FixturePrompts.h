#pragma once
// The reference prompts of the tiny fixtures (reference/tokenizer_prompts.json), shared by the text tests.

#include <filesystem>
#include <string>
#include <vector>

namespace wan::test {

// The fixture folders that carry a tokenizer and reference/tokenizer_prompts.json.
inline constexpr const char* kTinyFixtures[] = {"wan-tiny-t2v", "wan-tiny-i2v"};

struct FixturePrompt
{
    std::string name;
    std::string prompt;
    std::string cleaned;
    int numTokens = 0;
};

// Empty when the file cannot be opened.
std::vector<FixturePrompt> readFixturePrompts(const std::filesystem::path& file);

// Adds the columns "fixture" (std::string) and "index" (int) and one row "<fixture>/<name>" per reference
// prompt of each tiny fixture; no rows when the fixtures are absent.
void addFixturePromptRows();

} // namespace wan::test
