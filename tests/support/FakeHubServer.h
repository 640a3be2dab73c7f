#pragma once
// A fake model hub on 127.0.0.1 for the downloader's tests: the Hugging Face tree API (paginated with Link
// headers), `resolve/main` file downloads with Range, and ModelScope's file listing and download, served from
// memory by one thread per connection, with injected faults per file.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace wan::test {

class FakeHubServer
{
public:
    struct Faults
    {
        std::uint64_t dropAfterBytes = 0; // close the connection after this many body bytes ...
        int dropTimes = 0;                // ... in this many replies (-1: always)
        int corruptTimes = 0;       // flip one byte in the middle of the body this many times (-1: always)
        int errorStatus = 0;        // answer this status instead ...
        int errorTimes = 0;         // ... this many times (-1: always)
        int retryAfterSeconds = -1; // sent with errorStatus
        std::uint64_t bytesPerSecond = 0;        // slow mode
        std::optional<std::uint64_t> listedSize; // the size the listing claims
    };

    struct Request
    {
        std::string target; // path and query as sent
        std::string range;  // the Range header, or ""
        std::string authorization;
        std::chrono::steady_clock::time_point received;
        int status = 0;
    };

    FakeHubServer();
    ~FakeHubServer();
    FakeHubServer(const FakeHubServer&) = delete;
    FakeHubServer& operator=(const FakeHubServer&) = delete;

    bool start(); // binds 127.0.0.1 on an ephemeral port
    void stop();
    std::string baseUrl() const;

    void addFile(const std::string& repo, const std::string& path, std::string content, bool lfs = true);
    void setFaults(const std::string& repo, const std::string& path, const Faults& faults);
    void setListingStatus(const std::string& repo, int status, int times, int retryAfterSeconds = -1);
    void
    setRequiredToken(const std::string& token); // every request then needs "Authorization: Bearer <token>"
    void setTreePageSize(int entries);          // Hugging Face listing pages (0: one page)

    std::vector<Request> requests() const;
    std::vector<Request>
    requestsFor(const std::string& pathSuffix) const; // file downloads ending in this path
    int maxConcurrentTransfers() const { return m_maxConcurrent; }
    std::uint64_t bodyBytesSent() const { return m_bodyBytes; }

    static std::string sha256Hex(const std::string& data);
    static std::string gitBlobSha1Hex(const std::string& data);

private:
    struct File
    {
        std::string content;
        bool lfs = true;
        Faults faults;
    };
    struct Repo
    {
        std::map<std::string, File> files;
        int listingStatus = 0;
        int listingTimes = 0;
        int listingRetryAfter = -1;
    };

    void acceptLoop();
    void serve(int fd);
    int handle(int fd, const std::string& method, const std::string& target,
               const std::map<std::string, std::string>& headers, Request& record);
    int serveFile(int fd, File& file, const std::string& range);
    int serveTree(int fd, const std::string& repo, const std::string& query);
    int serveModelScopeList(int fd, const std::string& repo);
    bool sendAll(int fd, const std::string& data);

    int m_listenFd = -1;
    int m_port = 0;
    std::atomic<bool> m_stopping{false};
    std::thread m_acceptThread;
    mutable std::mutex m_mutex;
    std::map<std::string, Repo> m_repos;
    std::string m_token;
    int m_pageSize = 0;
    std::vector<Request> m_requests;
    std::map<int, Request> m_pending; // by socket: parsed, status line not yet sent
    std::vector<std::thread> m_threads;
    std::atomic<int> m_active{0};
    std::atomic<int> m_maxConcurrent{0};
    std::atomic<std::uint64_t> m_bodyBytes{0};
};

// Test content: `size` pseudo-random bytes from `seed` (same seed, same bytes).
std::string randomBytes(std::size_t size, unsigned seed);
// A whole file's bytes ("" when it cannot be read).
std::string readFileBytes(const std::filesystem::path& path);

} // namespace wan::test
