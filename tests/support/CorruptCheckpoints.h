#pragma once
// Broken and hostile checkpoint files, shared by the torch-level and the raw-level (sanitizer) tests so both
// layers see the same cases. No torch, no Qt.

#include <string>
#include <vector>

namespace wan::test {

struct CorruptCase
{
    std::string name;
    std::string bytes;
    std::string expectedMessage; // a substring of the wan::Error message
};

// A small valid safetensors file (F32 "a" [2,3], I64 "b" [4], BF16 "c" [3]) and its corrupted variants.
std::string validSafetensors();
std::vector<CorruptCase> corruptSafetensorsCases();

// A small valid .pth archive (F32 "w" [2,3], BF16 "e" [4], a view "v" of w's storage) and corrupted variants.
std::string validPth(bool forceZip64 = false);
std::vector<CorruptCase> corruptPthCases();

} // namespace wan::test
