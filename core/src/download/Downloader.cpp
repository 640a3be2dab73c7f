// Resolving and downloading model sets: parallel, resumable, verified, and atomic per file.
#include "download/DownloadInternal.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <mutex>
#include <sstream>
#include <sys/statvfs.h>
#include <thread>
#include <unistd.h>

namespace wan {

namespace fs = std::filesystem;
using nlohmann::json;

namespace download {

bool sleepCancellable(std::chrono::milliseconds duration, CancelToken* cancel)
{
    const auto end = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < end) {
        if (cancel && cancel->isCancelled())
            return false;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            std::chrono::milliseconds(20), end - std::chrono::steady_clock::now()));
    }
    return !(cancel && cancel->isCancelled());
}

std::string describeWriteErrno(int err)
{
    std::string text = std::strerror(err);
    if (err == ENOSPC)
        text += " (the disk is full: free some space or choose another folder with --to)";
    else if (err == EDQUOT)
        text += " (the disk quota is exhausted: free some space or choose another folder with --to)";
    else if (err == EFBIG)
        text += " (the file system or a file size limit (ulimit -f) does not allow a file this large: choose "
                "another folder with --to or raise the limit)";
    else if (err == EACCES || err == EPERM || err == EROFS)
        text += " (choose a folder you can write to with --to)";
    return text;
}

std::string describeFailure(const HttpOutcome& outcome, const std::string& what, const std::string& url,
                            bool tokenGiven)
{
    if (outcome.curlCode != 0)
        return "Cannot download " + what + ": " + describeCurlCode(outcome.curlCode, outcome.curlError, url);
    const std::string head = "Cannot download " + what + ": the server answered HTTP " +
                             std::to_string(outcome.status) + " for " + url + ". ";
    switch (outcome.status) {
    case 401:
        return head + (tokenGiven ? "The access token was refused: check that it is valid (--token)."
                                  : "The repository needs an access token: create one in your hub account's "
                                    "settings and pass it with --token.");
    case 403:
        return head + "Access is forbidden: the repository may be gated (accept its terms on the model page "
                      "with your account and use that account's token), or the token lacks read permission.";
    case 404:
        return head + "The repository or file does not exist there: it was renamed or the endpoint does not "
                      "carry it; try another --endpoint.";
    case 429:
        return head + "Too many requests (rate limited): wait and run the download again, or use an access "
                      "token (--token), which has a higher limit.";
    default:
        if (outcome.status >= 500)
            return head + "The hub has a problem right now: try again later or use another --endpoint.";
        return head + "Check the --endpoint.";
    }
}

std::string fetchText(const std::string& url, const std::string& what, const DownloadOptions& options,
                      CancelToken* cancel, std::string* nextPage)
{
    HttpRequest request;
    request.url = url;
    request.token = options.token;
    request.options = &options;
    for (int attempt = 1;; ++attempt) {
        HttpOutcome outcome = httpGetText(request, cancel);
        if (outcome.cancelled || (cancel && cancel->isCancelled()))
            throw Error(ErrorKind::Cancelled, "Download cancelled.");
        if (outcome.curlCode == 0 && outcome.status >= 200 && outcome.status < 300) {
            if (nextPage)
                *nextPage = outcome.linkNext;
            return std::move(outcome.body);
        }
        if (outcome.sinkStopped)
            throw Error(ErrorKind::Network,
                        "The file listing " + url + " is larger than 64 MB: check the --endpoint.");
        const std::string message = describeFailure(outcome, what, url, !options.token.empty());
        if (!isRetryable(outcome) || attempt >= options.maxAttempts)
            throw Error(ErrorKind::Network,
                        attempt > 1 ? message + " (gave up after " + std::to_string(attempt) + " attempts)"
                                    : message);
        auto wait = std::min(options.maxBackoff, options.initialBackoff * (1 << std::min(attempt - 1, 16)));
        if (outcome.retryAfterMs >= 0) {
            if (std::chrono::milliseconds(outcome.retryAfterMs) > options.maxRetryAfter)
                throw Error(ErrorKind::Network, message + " (the server asks to wait " +
                                                    std::to_string(outcome.retryAfterMs / 1000) + " s)");
            wait = std::chrono::milliseconds(outcome.retryAfterMs);
        }
        spdlog::warn("{} (attempt {}/{}), retrying in {} ms", message, attempt, options.maxAttempts,
                     wait.count());
        if (!sleepCancellable(wait, cancel))
            throw Error(ErrorKind::Cancelled, "Download cancelled.");
    }
}

namespace {

struct FileState
{
    std::uint64_t size = 0;
    std::string sha256;
    std::string gitSha1;
    bool verified = false;
};

struct SetState
{
    std::string set;
    bool complete = false;
    std::map<std::string, FileState> files;
};

SetState readState(const fs::path& folder)
{
    SetState state;
    std::ifstream in(folder / kDownloadStateFile);
    if (!in)
        return state;
    try {
        const json document = json::parse(in);
        state.set = document.value("set", std::string());
        state.complete = document.value("complete", false);
        for (const auto& item : document.at("files")) {
            FileState file;
            file.size = item.at("size").get<std::uint64_t>();
            file.sha256 = item.value("sha256", std::string());
            file.gitSha1 = item.value("gitSha1", std::string());
            file.verified = item.value("verified", false);
            state.files[item.at("path").get<std::string>()] = file;
        }
    } catch (const std::exception& e) {
        spdlog::warn("Ignoring the unreadable download state {}: {}", (folder / kDownloadStateFile).string(),
                     e.what());
        return {};
    }
    return state;
}

void writeState(const fs::path& folder, const SetState& state)
{
    json files = json::array();
    for (const auto& [path, file] : state.files)
        files.push_back({{"path", path},
                         {"size", file.size},
                         {"sha256", file.sha256},
                         {"gitSha1", file.gitSha1},
                         {"verified", file.verified}});
    const json document = {{"set", state.set}, {"complete", state.complete}, {"files", files}};
    const fs::path target = folder / kDownloadStateFile;
    const fs::path temporary = folder / (std::string(kDownloadStateFile) + ".tmp");
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << document.dump(1) << "\n";
        out.flush();
        if (!out)
            throw Error(ErrorKind::Io,
                        "Cannot write '" + temporary.string() + "': " + describeWriteErrno(errno));
    }
    std::error_code error;
    fs::rename(temporary, target, error);
    if (error)
        throw Error(ErrorKind::Io, "Cannot write '" + target.string() + "': " + error.message());
}

Hasher::Kind hashKind(const RemoteFile& file)
{
    if (!file.sha256.empty())
        return Hasher::Kind::Sha256;
    return file.gitSha1.empty() ? Hasher::Kind::None : Hasher::Kind::GitSha1;
}

const std::string& expectedHash(const RemoteFile& file)
{
    return file.sha256.empty() ? file.gitSha1 : file.sha256;
}

// Hashes the first `bytes` of `path` into `hasher`; false when the file is shorter or unreadable.
bool hashFile(const fs::path& path, std::uint64_t bytes, Hasher& hasher, CancelToken* cancel)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    std::vector<char> buffer(1 << 20);
    std::uint64_t done = 0;
    while (done < bytes) {
        if (cancel && cancel->isCancelled())
            break;
        const ssize_t n = ::read(fd, buffer.data(), std::min<std::uint64_t>(buffer.size(), bytes - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        hasher.update(buffer.data(), std::size_t(n));
        done += std::uint64_t(n);
    }
    ::close(fd);
    return done == bytes;
}

void syncFolder(const fs::path& folder)
{
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

std::uint64_t fileSizeOr0(const fs::path& path)
{
    std::error_code error;
    const auto size = fs::file_size(path, error);
    return error ? 0 : size;
}

// One budget for all transfers of a download: a transfer that is ahead of it sleeps in its write callback,
// which holds the socket and so slows the sender (TCP flow control).
class RateLimiter
{
public:
    explicit RateLimiter(std::uint64_t bytesPerSecond) : m_rate(double(bytesPerSecond)) {}

    void consume(std::size_t bytes, const CancelToken& stop, CancelToken* cancel)
    {
        if (m_rate <= 0)
            return;
        std::chrono::steady_clock::time_point due;
        {
            std::lock_guard lock(m_mutex);
            const auto now = std::chrono::steady_clock::now();
            if (m_bytes == 0)
                m_start = now;
            m_bytes += bytes;
            due = m_start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double>(double(m_bytes) / m_rate));
            // After an idle spell the budget is not saved up for a burst beyond half a second.
            if (due < now - std::chrono::milliseconds(500)) {
                m_start += (now - std::chrono::milliseconds(500)) - due;
                due = now - std::chrono::milliseconds(500);
            }
        }
        while (std::chrono::steady_clock::now() < due && !stop.isCancelled() &&
               !(cancel && cancel->isCancelled()))
            std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
                std::chrono::milliseconds(20), due - std::chrono::steady_clock::now()));
    }

private:
    double m_rate;
    std::mutex m_mutex;
    std::chrono::steady_clock::time_point m_start;
    std::uint64_t m_bytes = 0;
};

class Download
{
public:
    Download(const ResolvedModelSet& set, fs::path folder, const DownloadOptions& options,
             const DownloadProgressFn& progress, CancelToken* cancel)
        : m_set(set), m_folder(std::move(folder)), m_options(options), m_progress(progress),
          m_userCancel(cancel), m_fileBytes(set.files.size()), m_rate(options.maxBytesPerSecond)
    {
    }

    DownloadResult run();

private:
    bool stopped() const { return m_stop.isCancelled() || (m_userCancel && m_userCancel->isCancelled()); }
    void worker();
    void fetchFile(std::size_t index);
    void fileVerified(std::size_t index);
    void report(std::size_t index, bool force);

    class Sink;

    const ResolvedModelSet& m_set;
    fs::path m_folder;
    const DownloadOptions& m_options;
    const DownloadProgressFn& m_progress;
    CancelToken* m_userCancel;
    CancelToken m_stop; // a file failed: the others stop, keeping their parts
    std::vector<std::atomic<std::uint64_t>> m_fileBytes;
    std::vector<bool> m_needed;
    std::atomic<std::size_t> m_next{0};
    std::atomic<std::uint64_t> m_fetched{0};
    std::atomic<int> m_filesFetched{0};
    std::atomic<int> m_filesDone{0};
    RateLimiter m_rate;

    std::mutex m_mutex; // state file, first error, progress callback
    SetState m_state;
    std::exception_ptr m_error;
    std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point m_lastReport{};
};

// Receives one attempt's body into the part file, hashing as it goes.
class Download::Sink final : public HttpSink
{
public:
    Sink(Download& owner, std::size_t index, int fd, Hasher& hasher, std::uint64_t offset)
        : m_owner(owner), m_index(index), m_fd(fd), m_hasher(hasher), m_position(offset), m_offset(offset)
    {
    }

    bool begin(long status, const std::string& contentRange) override
    {
        if (status == 206) {
            // "bytes <start>-<end>/<total>": the server must continue exactly where the part ends.
            unsigned long long start = 0;
            if (std::sscanf(contentRange.c_str(), "bytes %llu-", &start) != 1 || start != m_offset) {
                m_badRange = true;
                return false;
            }
            return true;
        }
        if (m_offset > 0) { // the server ignored Range: start over
            if (::ftruncate(m_fd, 0) != 0) {
                m_errno = errno;
                return false;
            }
            m_hasher.reset();
            m_position = 0;
            m_offset = 0;
            m_owner.m_fileBytes[m_index] = 0;
            m_restarted = true;
        }
        return true;
    }

    bool data(const char* bytes, std::size_t size) override
    {
        std::size_t written = 0;
        while (written < size) {
            const ssize_t n = ::pwrite(m_fd, bytes + written, size - written, off_t(m_position + written));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                m_errno = n < 0 ? errno : ENOSPC;
                // Bytes written before the failure are not hashed: cut them off so part and hash agree.
                if (::ftruncate(m_fd, off_t(m_position)) != 0)
                    spdlog::debug("ftruncate after a failed write: {}", std::strerror(errno));
                return false;
            }
            written += std::size_t(n);
        }
        m_hasher.update(bytes, size);
        m_position += size;
        m_received += size;
        m_owner.m_fileBytes[m_index] = m_position;
        m_owner.m_fetched += size;
        m_owner.report(m_index, false);
        m_owner.m_rate.consume(size, m_owner.m_stop, m_owner.m_userCancel);
        return true;
    }

    std::uint64_t position() const { return m_position; }
    std::uint64_t received() const { return m_received; }
    int writeErrno() const { return m_errno; }
    bool badRange() const { return m_badRange; }

private:
    Download& m_owner;
    std::size_t m_index;
    int m_fd;
    Hasher& m_hasher;
    std::uint64_t m_position;
    std::uint64_t m_offset;
    std::uint64_t m_received = 0;
    int m_errno = 0;
    bool m_badRange = false;
    bool m_restarted = false;
};

void Download::report(std::size_t index, bool force)
{
    if (!m_progress)
        return;
    std::lock_guard lock(m_mutex);
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - m_lastReport < std::chrono::milliseconds(200))
        return;
    m_lastReport = now;
    DownloadProgress progress;
    const RemoteFile& file = m_set.files[index];
    progress.file = file.relativePath;
    progress.fileBytes = m_fileBytes[index];
    progress.fileTotal = file.size;
    for (const auto& bytes : m_fileBytes)
        progress.doneBytes += bytes;
    progress.totalBytes = m_set.totalBytes;
    const double seconds = std::chrono::duration<double>(now - m_started).count();
    progress.bytesPerSecond = seconds > 0 ? double(m_fetched.load()) / seconds : 0;
    progress.filesDone = m_filesDone;
    progress.filesTotal = int(m_set.files.size());
    m_progress(progress);
}

void Download::fileVerified(std::size_t index)
{
    const RemoteFile& file = m_set.files[index];
    {
        std::lock_guard lock(m_mutex);
        FileState& state = m_state.files[file.relativePath];
        state.size = file.size;
        state.sha256 = file.sha256;
        state.gitSha1 = file.gitSha1;
        state.verified = true;
        writeState(m_folder, m_state);
    }
    ++m_filesDone;
    report(index, true);
}

void Download::fetchFile(std::size_t index)
{
    const RemoteFile& file = m_set.files[index];
    const fs::path target = m_folder / file.relativePath;
    const fs::path part = fs::path(target.string() + ".part");
    std::error_code error;
    fs::create_directories(target.parent_path(), error);
    if (error)
        throw Error(ErrorKind::Io, "Cannot create the folder '" + target.parent_path().string() + "': " +
                                       error.message() + ". Choose a folder you can write to with --to.");

    const bool tokenGiven = !m_options.token.empty();
    Hasher hasher(hashKind(file), file.size);
    bool hasherInSync = false;
    std::uint64_t hashed = 0;
    int failures = 0;
    int hashRefetches = 0;
    std::string lastFailure;

    while (true) {
        if (stopped())
            return;
        std::uint64_t have = fileSizeOr0(part);
        if (have > file.size) {
            fs::resize_file(part, 0, error);
            have = 0;
            hasherInSync = false;
        }
        if (!hasherInSync || hashed != have) {
            // A part left by an earlier run (or a broken attempt): its bytes are hashed from disk again.
            hasher.reset();
            if (have > 0 && !hashFile(part, have, hasher, nullptr)) {
                fs::resize_file(part, 0, error);
                hasher.reset();
                have = 0;
            }
            hashed = have;
            hasherInSync = true;
        }
        m_fileBytes[index] = have;

        bool complete = have == file.size;
        if (!complete) {
            const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
            if (fd < 0)
                throw Error(ErrorKind::Io,
                            "Cannot write '" + part.string() + "': " + describeWriteErrno(errno));
            Sink sink(*this, index, fd, hasher, have);
            HttpRequest request;
            request.url = file.url;
            request.token = m_options.token;
            request.rangeStart = have;
            request.options = &m_options;
            // libcurl looks at one token: a watcher forwards the user's cancel and the stop of a failed
            // sibling.
            CancelToken attemptCancel;
            std::atomic<bool> running{true};
            std::thread watcher([&] {
                while (running) {
                    if (stopped()) {
                        attemptCancel.cancel();
                        break;
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                }
            });
            HttpOutcome outcome = httpGetStream(request, sink, &attemptCancel);
            running = false;
            watcher.join();
            ::close(fd);
            hashed = sink.position();

            if (sink.writeErrno() != 0)
                throw Error(ErrorKind::Io,
                            "Cannot write '" + part.string() + "': " + describeWriteErrno(sink.writeErrno()) +
                                ". The " + formatByteSize(sink.position()) + " of " +
                                formatByteSize(file.size) +
                                " received so far are kept; run the download again to resume.");
            if (outcome.cancelled || stopped())
                return;
            if (sink.badRange()) {
                spdlog::warn("{}: the server resumed at the wrong offset; starting the file over",
                             file.relativePath);
                fs::resize_file(part, 0, error);
                hasherInSync = false;
                if (++failures >= m_options.maxAttempts)
                    throw Error(ErrorKind::Network, "Cannot download " + file.relativePath +
                                                        ": the server at " + file.url +
                                                        " does not resume downloads correctly.");
                continue;
            }
            if (outcome.status == 416) { // nothing left to send: the part may already be whole
                if (have != file.size) {
                    fs::resize_file(part, 0, error);
                    hasherInSync = false;
                }
                if (++failures >= m_options.maxAttempts)
                    throw Error(ErrorKind::Network,
                                describeFailure(outcome, file.relativePath, file.url, tokenGiven));
                continue;
            }
            const bool ok = outcome.curlCode == 0 && outcome.status >= 200 && outcome.status < 300;
            complete = ok && sink.position() == file.size;
            if (!complete) {
                std::string message;
                bool retry = true;
                if (ok) {
                    message = "Cannot download " + file.relativePath + ": the server sent " +
                              formatByteSize(sink.position()) + " of " + formatByteSize(file.size) +
                              " from " + file.url;
                    if (sink.position() > file.size) {
                        fs::resize_file(part, 0, error);
                        hasherInSync = false;
                        message += " (more than the hub's listing says: the file changed on the hub; run the "
                                   "download again)";
                        retry = false;
                    }
                } else {
                    message = describeFailure(outcome, file.relativePath, file.url, tokenGiven);
                    retry = isRetryable(outcome);
                }
                if (!retry)
                    throw Error(ErrorKind::Network, message);
                failures = sink.received() > 0 ? 1 : failures + 1;
                if (failures >= m_options.maxAttempts)
                    throw Error(ErrorKind::Network,
                                message + " (gave up after " + std::to_string(failures) +
                                    " attempts in a row; run the download again to resume)");
                auto wait = std::min(m_options.maxBackoff,
                                     m_options.initialBackoff * (1 << std::min(failures - 1, 16)));
                if (outcome.retryAfterMs >= 0) {
                    if (std::chrono::milliseconds(outcome.retryAfterMs) > m_options.maxRetryAfter)
                        throw Error(ErrorKind::Network, message + " (the server asks to wait " +
                                                            std::to_string(outcome.retryAfterMs / 1000) +
                                                            " s; run the download again later)");
                    wait = std::chrono::milliseconds(outcome.retryAfterMs);
                }
                spdlog::warn("{} (attempt {}/{}), retrying in {} ms", message, failures,
                             m_options.maxAttempts, wait.count());
                if (!sleepCancellable(wait, &m_stop) || stopped())
                    return;
                continue;
            }
        }

        if (file.size == 0 && !fs::exists(part))
            std::ofstream(part, std::ios::binary).flush(); // an empty file: nothing to fetch, still published

        // Verify, then publish atomically.
        const std::string actual = hasher.hexDigest();
        hasherInSync = false;
        const std::string& expected = expectedHash(file);
        if (!expected.empty() && actual != expected) {
            fs::remove(part, error);
            if (hashRefetches == 0) {
                ++hashRefetches;
                spdlog::warn("{}: {} does not match the hub's {} (expected {}, got {}); downloading it again",
                             file.relativePath,
                             hasher.kind() == Hasher::Kind::Sha256 ? "SHA-256" : "git SHA-1", "hash",
                             expected, actual);
                continue;
            }
            throw Error(
                ErrorKind::CorruptFile,
                "'" + file.relativePath + "' downloaded twice from " + file.url +
                    " and both copies differ from the hub's " +
                    (hasher.kind() == Hasher::Kind::Sha256 ? "SHA-256" : "git SHA-1") + " (expected " +
                    expected + ", got " + actual + "). Model set '" + m_set.name +
                    "' is refused: the hub, a mirror or a proxy corrupts the file; try another --endpoint "
                    "or later.");
        }
        if (expected.empty())
            spdlog::warn("{}: the hub lists no hash for this file; only its size was checked",
                         file.relativePath);
        fs::rename(part, target, error);
        if (error)
            throw Error(ErrorKind::Io, "Cannot rename '" + part.string() + "' to '" + target.string() +
                                           "': " + error.message());
        syncFolder(target.parent_path());
        m_fileBytes[index] = file.size;
        ++m_filesFetched;
        fileVerified(index);
        return;
    }
}

void Download::worker()
{
    while (!stopped()) {
        const std::size_t index = m_next++;
        if (index >= m_set.files.size())
            return;
        if (!m_needed[index])
            continue;
        try {
            fetchFile(index);
        } catch (...) {
            std::lock_guard lock(m_mutex);
            if (!m_error)
                m_error = std::current_exception();
            m_stop.cancel();
            return;
        }
    }
}

DownloadResult Download::run()
{
    std::error_code error;
    fs::create_directories(m_folder, error);
    if (error)
        throw Error(ErrorKind::Io, "Cannot create the folder '" + m_folder.string() + "': " +
                                       error.message() + ". Choose a folder you can write to with --to.");

    const SetState previous = readState(m_folder);
    m_state.set = m_set.name;
    m_state.complete = false;
    m_needed.assign(m_set.files.size(), true);
    DownloadResult result;
    result.folder = m_folder;
    result.totalBytes = m_set.totalBytes;

    // Files verified by an earlier run (same size and hash, still whole on disk) are kept; a file present
    // without a record (copied by hand) is hashed once.
    std::uint64_t needed = 0;
    for (std::size_t i = 0; i < m_set.files.size(); ++i) {
        const RemoteFile& file = m_set.files[i];
        const fs::path target = m_folder / file.relativePath;
        const auto it = previous.files.find(file.relativePath);
        bool reuse = false;
        if (fs::exists(target) && fileSizeOr0(target) == file.size) {
            if (it != previous.files.end() && it->second.verified && it->second.size == file.size &&
                it->second.sha256 == file.sha256 && it->second.gitSha1 == file.gitSha1) {
                reuse = true;
            } else if (!expectedHash(file).empty()) {
                Hasher hasher(hashKind(file), file.size);
                reuse = hashFile(target, file.size, hasher, m_userCancel) &&
                        hasher.hexDigest() == expectedHash(file);
            }
        }
        if (m_userCancel && m_userCancel->isCancelled())
            throw Error(ErrorKind::Cancelled, "Download cancelled.");
        if (reuse) {
            m_needed[i] = false;
            m_fileBytes[i] = file.size;
            m_state.files[file.relativePath] = {file.size, file.sha256, file.gitSha1, true};
            ++result.filesReused;
            ++m_filesDone;
        } else {
            const std::uint64_t have = std::min(fileSizeOr0(fs::path(target.string() + ".part")), file.size);
            m_fileBytes[i] = have;
            needed += file.size - have;
        }
    }

    struct statvfs info
    {
    };
    if (needed > 0 && ::statvfs(m_folder.c_str(), &info) == 0) {
        const std::uint64_t available = std::uint64_t(info.f_bavail) * std::uint64_t(info.f_frsize);
        constexpr std::uint64_t kMargin = 64ull << 20;
        if (available < needed + kMargin)
            throw Error(ErrorKind::Io,
                        "Not enough free disk space in '" + m_folder.string() + "': model set '" +
                            m_set.name + "' needs " + formatByteSize(needed) + " more (" +
                            formatByteSize(m_set.totalBytes) + " in total), " + formatByteSize(available) +
                            " are free. Free some space or choose another folder with --to.");
    }
    spdlog::info("Model set '{}': {} files, {} in total, {} to download into {}", m_set.name,
                 m_set.files.size(), formatByteSize(m_set.totalBytes), formatByteSize(needed),
                 m_folder.string());
    writeState(m_folder, m_state);

    const int threads = std::clamp(m_options.parallelFiles, 1, 16);
    std::vector<std::thread> workers;
    for (int i = 0; i < threads; ++i)
        workers.emplace_back([this] { worker(); });
    for (auto& thread : workers)
        thread.join();

    result.fetchedBytes = m_fetched;
    result.filesFetched = m_filesFetched;
    if (m_error)
        std::rethrow_exception(m_error);
    if (m_userCancel && m_userCancel->isCancelled())
        throw Error(ErrorKind::Cancelled, "Download cancelled. The partial files (.part) in '" +
                                              m_folder.string() +
                                              "' are kept: run the same download again to resume.");
    {
        std::lock_guard lock(m_mutex);
        m_state.complete = true;
        writeState(m_folder, m_state);
    }
    syncFolder(m_folder);
    return result;
}

} // namespace

} // namespace download

ResolvedModelSet resolveModelSet(const ModelSet& set, const DownloadOptions& options, CancelToken* cancel)
{
    using namespace download;
    return selectFiles(set, options.endpoint, [&](const std::string& repo) {
        std::vector<HubEntry> entries;
        std::string url = hfTreeUrl(options.endpoint, repo);
        const std::string what = "the file list of " + repo;
        for (int page = 0; !url.empty(); ++page) {
            if (page >= 1000)
                throw Error(ErrorKind::Network,
                            "The file list of " + repo + " does not end: check the --endpoint.");
            std::string next;
            const std::string text = fetchText(url, what, options, cancel, &next);
            auto pageEntries = options.endpoint.kind == HubKind::ModelScope ? parseModelScopeFiles(text, url)
                                                                            : parseHfTree(text, url);
            entries.insert(entries.end(), pageEntries.begin(), pageEntries.end());
            url = options.endpoint.kind == HubKind::ModelScope ? std::string() : next;
        }
        return entries;
    });
}

DownloadResult downloadModelSet(const ModelSet& set, const fs::path& folder, const DownloadOptions& options,
                                const DownloadProgressFn& progress, CancelToken* cancel)
{
    if (!download::httpAvailable())
        throw Error(
            ErrorKind::Network,
            "This build cannot download models (built without libcurl): install libcurl4-openssl-dev and "
            "rebuild, or download the files with another tool.");
    const ResolvedModelSet resolved = resolveModelSet(set, options, cancel);
    download::Download job(resolved, folder, options, progress, cancel);
    return job.run();
}

bool modelSetComplete(const fs::path& folder)
{
    const auto state = download::readState(folder);
    if (!state.complete || state.files.empty())
        return false;
    for (const auto& [path, file] : state.files) {
        std::error_code error;
        if (!file.verified || fs::file_size(folder / path, error) != file.size || error)
            return false;
    }
    return true;
}

} // namespace wan
