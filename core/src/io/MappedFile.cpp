#include "io/MappedFile.h"

#include "wan/Error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wan::io {

std::shared_ptr<MappedFile> MappedFile::open(const std::filesystem::path& file)
{
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT)
            throw Error(ErrorKind::ModelFolder, "file not found: " + file.string());
        throw Error(ErrorKind::Io, "cannot open " + file.string() + ": " + std::strerror(err));
    }
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        throw Error(ErrorKind::Io, "cannot stat " + file.string() + ": " + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(ErrorKind::ModelFolder,
                    file.string() + " is not a regular file (a directory?): expected a checkpoint file");
    }
    std::shared_ptr<MappedFile> mapped(new MappedFile);
    mapped->m_path = file;
    mapped->m_size = static_cast<std::size_t>(st.st_size);
    if (mapped->m_size > 0) {
        // Read-only: tensors alias these pages, and a stray in-place write must not reach the file.
        void* p = ::mmap(nullptr, mapped->m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            const int err = errno;
            ::close(fd);
            throw Error(ErrorKind::Io, "cannot memory-map " + file.string() + ": " + std::strerror(err));
        }
        mapped->m_mapping = p;
        mapped->m_data = static_cast<const std::uint8_t*>(p);
    }
    ::close(fd);
    return mapped;
}

std::shared_ptr<MappedFile> MappedFile::fromBytes(const void* data, std::size_t size,
                                                  const std::filesystem::path& name)
{
    std::shared_ptr<MappedFile> mapped(new MappedFile);
    mapped->m_path = name;
    mapped->m_size = size;
    if (size > 0) {
        // new[] is aligned for any fundamental type, like a page-aligned mapping is for tensor data.
        mapped->m_owned.reset(new std::uint8_t[size]);
        std::memcpy(mapped->m_owned.get(), data, size);
        mapped->m_data = mapped->m_owned.get();
    }
    return mapped;
}

MappedFile::~MappedFile()
{
    if (m_mapping)
        ::munmap(m_mapping, m_size);
}

} // namespace wan::io
