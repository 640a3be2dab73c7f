#pragma once
// Atomic file replacement: write everything to a partial file next to the target, rename it over the target
// only once complete, so a failure (disk full, cancel, crash) never leaves a broken file or loses the old
// one.

#include <cstddef>
#include <filesystem>
#include <string>

namespace wan::media {

class PartialFile
{
public:
    // Creates `<dir>/<stem>.partial-XXXXXX<ext>` next to `target` (exclusively). Throws wan::Error(Io).
    explicit PartialFile(std::filesystem::path target);
    // Removes the partial file unless commit() succeeded.
    ~PartialFile();
    PartialFile(const PartialFile&) = delete;
    PartialFile& operator=(const PartialFile&) = delete;

    const std::filesystem::path& path() const { return m_path; }
    const std::filesystem::path& target() const { return m_target; }

    // Appends bytes through the file's own descriptor. Throws wan::Error(Io) naming the target.
    void write(const void* data, std::size_t size);
    // Flushes to disk and renames over the target. Throws wan::Error(Io); the partial is then removed.
    void commit();
    // Closes and removes the partial file; never throws.
    void discard() noexcept;

private:
    std::filesystem::path m_target;
    std::filesystem::path m_path;
    int m_fd = -1;
    bool m_done = false;
};

// Removes the partial files a killed run left next to `target` (exactly `<stem>.partial-XXXXXX<ext>`, six
// lower-case letters or digits) last written before `before`: a writer running now keeps touching its own.
// Returns how many were removed; never throws.
int removeStalePartials(const std::filesystem::path& target, std::filesystem::file_time_type before) noexcept;

// "No space left on device (the disk is full)": errno text with a hint for the common causes.
std::string describeErrno(int err);
// Throws wan::Error(Io): "Cannot <action> '<path>': <errno text>".
[[noreturn]] void throwIoError(const std::string& action, const std::filesystem::path& path, int err);

} // namespace wan::media
