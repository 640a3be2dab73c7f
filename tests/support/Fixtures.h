#pragma once
// Where the tests find their data: the reference fixtures (../shared/fixtures or $WAN_FIXTURES_DIR) and files
// of the source tree. No torch, so the GUI tests use it too.
//
// Missing fixtures skip the parity tests on a developer's clone without ../shared (the skip says so), but
// fail them in CI (CI=true, set by most CI services, or WAN_REQUIRE_FIXTURES=1), and a WAN_FIXTURES_DIR that
// names a folder without the fixtures always fails: a parity test must never pass by not running.

#include <QTest>

#include <filesystem>
#include <string>

namespace wan::test {

struct FixtureLookup
{
    std::filesystem::path dir; // empty when not found
    std::string problem;       // why `dir` is empty
    bool mustFail = false;     // the tests needing the fixtures fail instead of skipping
};

// The lookup itself: `envDir` is $WAN_FIXTURES_DIR (null or empty when unset), `fallback` the folder next to
// the source tree. A folder counts when it holds wan-tiny-t2v/config.json and wan-tiny-t2v/reference/.
FixtureLookup lookUpFixtures(const char* envDir, const std::filesystem::path& fallback, bool required);
// CI=true/1 or WAN_REQUIRE_FIXTURES=1 in the environment.
bool fixturesRequired();
// lookUpFixtures() with this process's environment and the build's fallback.
FixtureLookup fixtures();
// $WAN_FIXTURES_DIR, else <source>/../shared/fixtures. Empty when neither holds the fixtures.
std::filesystem::path fixturesDir();

// A file of the source tree, e.g. "tests/fuzz/corpus/pth/torch_ordereddict": from $WAN_SOURCE_DIR (ctest sets
// it), else the source folder this was built from. Never relative to the working folder.
std::filesystem::path sourcePath(const std::string& relative);

} // namespace wan::test

// Skips the current test with a clear message when the reference fixtures are absent, or fails it where they
// are required (see above).
#define WAN_REQUIRE_FIXTURES()                                                                                 \
    do {                                                                                                       \
        const auto wanFixtures_ = wan::test::fixtures();                                                       \
        if (wanFixtures_.dir.empty()) {                                                                        \
            if (wanFixtures_.mustFail)                                                                         \
                QFAIL(wanFixtures_.problem.c_str());                                                           \
            QSKIP(wanFixtures_.problem.c_str());                                                               \
        }                                                                                                      \
    } while (false)

// Fails the current test when a data file of the source tree is missing (a test's own data never skips).
#define WAN_REQUIRE_SOURCE_FILE(wanFile)                                                                        \
    do {                                                                                                       \
        const std::filesystem::path wanFile_(wanFile);                                                         \
        if (!std::filesystem::is_regular_file(wanFile_))                                                       \
            QFAIL(qPrintable(QStringLiteral("test data %1 is missing").arg(QString::fromStdString(wanFile_.string())))); \
    } while (false)
