#include "support/Fixtures.h"

#include <cstdlib>
#include <string_view>

namespace wan::test {

namespace fs = std::filesystem;

namespace {

bool holdsFixtures(const fs::path& dir)
{
    std::error_code ec;
    return fs::is_regular_file(dir / "wan-tiny-t2v" / "config.json", ec) &&
           fs::is_directory(dir / "wan-tiny-t2v" / "reference", ec);
}

bool envIsTrue(const char* name)
{
    const char* value = std::getenv(name);
    if (!value)
        return false;
    const std::string_view v(value);
    return v == "1" || v == "true" || v == "TRUE" || v == "True" || v == "yes";
}

} // namespace

FixtureLookup lookUpFixtures(const char* envDir, const fs::path& fallback, bool required)
{
    FixtureLookup lookup;
    if (envDir && *envDir) {
        if (holdsFixtures(envDir)) {
            lookup.dir = fs::path(envDir);
            return lookup;
        }
        // Set on purpose but wrong: never a skip.
        lookup.mustFail = true;
        lookup.problem = "WAN_FIXTURES_DIR=" + std::string(envDir) +
                         " is not the reference fixtures folder (no wan-tiny-t2v/config.json and "
                         "wan-tiny-t2v/reference/ in it)";
        return lookup;
    }
    if (holdsFixtures(fallback)) {
        std::error_code ec;
        lookup.dir = fs::weakly_canonical(fallback, ec);
        if (ec)
            lookup.dir = fallback;
        return lookup;
    }
    lookup.mustFail = required;
    lookup.problem = "reference fixtures not found at " + fallback.string() +
                     (required ? " and they are required here (CI or WAN_REQUIRE_FIXTURES=1)"
                               : ": this parity test did NOT run (set WAN_FIXTURES_DIR or place them at "
                                 "../shared/fixtures; CI=true or WAN_REQUIRE_FIXTURES=1 makes this a failure)");
    return lookup;
}

bool fixturesRequired()
{
    return envIsTrue("CI") || envIsTrue("WAN_REQUIRE_FIXTURES");
}

FixtureLookup fixtures()
{
    return lookUpFixtures(std::getenv("WAN_FIXTURES_DIR"), fs::path(WAN_DEFAULT_FIXTURES_DIR), fixturesRequired());
}

fs::path fixturesDir()
{
    return fixtures().dir;
}

fs::path sourcePath(const std::string& relative)
{
    const char* env = std::getenv("WAN_SOURCE_DIR");
    const fs::path root = env && *env ? fs::path(env) : fs::path(WAN_TEST_SOURCE_DIR);
    return root / relative;
}

} // namespace wan::test
