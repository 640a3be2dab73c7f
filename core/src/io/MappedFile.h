#pragma once
// A whole file mapped read-only. Shared by every tensor that aliases it, so the mapping lives as long as the
// last of them.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

namespace wan::io {

class MappedFile
{
public:
    // Throws wan::Error(ModelFolder) when the file is missing or is a directory, Io when it cannot be mapped.
    static std::shared_ptr<MappedFile> open(const std::filesystem::path& file);

    // An in-memory buffer seen as a file (tests, fuzzers); the bytes are copied.
    static std::shared_ptr<MappedFile> fromBytes(const void* data, std::size_t size,
                                                 const std::filesystem::path& name = "<memory>");

    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::uint8_t* data() const noexcept { return m_data; }
    std::size_t size() const noexcept { return m_size; }
    const std::filesystem::path& path() const noexcept { return m_path; }

private:
    MappedFile() = default;

    std::filesystem::path m_path;
    const std::uint8_t* m_data = nullptr;
    std::size_t m_size = 0;
    void* m_mapping = nullptr; // null for empty files and in-memory buffers
    std::unique_ptr<std::uint8_t[]> m_owned;
};

} // namespace wan::io
