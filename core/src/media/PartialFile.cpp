#include "media/PartialFile.h"

#include "wan/Error.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <unistd.h>

namespace wan::media {

namespace fs = std::filesystem;

namespace {

std::string randomSuffix()
{
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    thread_local std::mt19937 generator{std::random_device{}()};
    std::uniform_int_distribution<int> pick(0, int(sizeof(kAlphabet)) - 2);
    std::string suffix(6, 'x');
    for (char& c : suffix)
        c = kAlphabet[pick(generator)];
    return suffix;
}

void syncFolder(const fs::path& folder)
{
    // Makes the rename itself durable; failure here is harmless for correctness, so only logged.
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (::fsync(fd) != 0)
        spdlog::debug("fsync of folder {} failed: {}", folder.string(), std::strerror(errno));
    ::close(fd);
}

} // namespace

std::string describeErrno(int err)
{
    std::string text = std::strerror(err);
    if (err == ENOSPC)
        text += " (the disk is full: free some space or choose another folder)";
    else if (err == EDQUOT)
        text += " (the disk quota is exhausted)";
    else if (err == EACCES || err == EPERM || err == EROFS)
        text += " (choose a folder you can write to)";
    return text;
}

void throwIoError(const std::string& action, const fs::path& path, int err)
{
    throw Error(ErrorKind::Io, "Cannot " + action + " '" + path.string() + "': " + describeErrno(err));
}

int removeStalePartials(const fs::path& target, fs::file_time_type before) noexcept
{
    if (target.empty() || !target.has_filename())
        return 0;
    const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    const std::string prefix = target.stem().string() + ".partial-";
    const std::string extension = target.extension().string();
    int removed = 0;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() != prefix.size() + 6 + extension.size() ||
            name.compare(0, prefix.size(), prefix) != 0 ||
            name.compare(prefix.size() + 6, std::string::npos, extension) != 0)
            continue;
        bool suffixOk = true;
        for (size_t i = prefix.size(); i < prefix.size() + 6; ++i)
            suffixOk = suffixOk && ((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9'));
        std::error_code fileEc;
        if (!suffixOk || !it->is_regular_file(fileEc) || it->is_symlink(fileEc))
            continue;
        const auto written = fs::last_write_time(it->path(), fileEc);
        if (fileEc || written >= before)
            continue;
        if (fs::remove(it->path(), fileEc)) {
            ++removed;
            spdlog::info("removed {} left by an interrupted run", it->path().string());
        }
    }
    return removed;
}

PartialFile::PartialFile(fs::path target) : m_target(std::move(target))
{
    if (m_target.empty() || !m_target.has_filename())
        throw Error(ErrorKind::InvalidArgument, "Cannot write '" + m_target.string() + "': not a file name");
    const fs::path folder = m_target.parent_path().empty() ? fs::path(".") : m_target.parent_path();
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw Error(ErrorKind::Io, "Cannot write '" + m_target.string() + "': the folder '" +
                                       folder.string() + "' does not exist");
    if (fs::is_directory(m_target, ec))
        throw Error(ErrorKind::Io, "Cannot write '" + m_target.string() + "': a folder of that name exists");

    const std::string stem = m_target.stem().string();
    const std::string extension = m_target.extension().string();
    for (int attempt = 0;; ++attempt) {
        m_path = folder / (stem + ".partial-" + randomSuffix() + extension);
        m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (m_fd >= 0)
            return;
        if (errno != EEXIST || attempt >= 100)
            throwIoError("write", m_target, errno);
    }
}

PartialFile::~PartialFile()
{
    discard();
}

void PartialFile::write(const void* data, std::size_t size)
{
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t written = ::write(m_fd, bytes, size);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            throwIoError("write", m_target, errno);
        }
        bytes += written;
        size -= std::size_t(written);
    }
}

void PartialFile::commit()
{
    // Data must reach the disk before the rename, or a crash could leave an empty file under the final name.
    if (::fsync(m_fd) != 0) {
        const int err = errno;
        discard();
        throwIoError("write", m_target, err);
    }
    if (::close(m_fd) != 0) {
        const int err = errno;
        m_fd = -1;
        discard();
        throwIoError("write", m_target, err);
    }
    m_fd = -1;
    if (::rename(m_path.c_str(), m_target.c_str()) != 0) {
        const int err = errno;
        discard();
        throwIoError("replace", m_target, err);
    }
    m_done = true;
    syncFolder(m_target.parent_path().empty() ? fs::path(".") : m_target.parent_path());
}

void PartialFile::discard() noexcept
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    if (!m_done && !m_path.empty()) {
        ::unlink(m_path.c_str());
        m_done = true;
    }
}

} // namespace wan::media
