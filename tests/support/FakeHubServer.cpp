#include "support/FakeHubServer.h"

#include <nlohmann/json.hpp>
#include <openssl/sha.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

namespace wan::test {

namespace {

std::string hex(const unsigned char* digest, std::size_t length)
{
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < length; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 15];
    }
    return out;
}

std::string percentDecode(const std::string& text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(text[i + 1]) &&
            std::isxdigit(text[i + 2])) {
            out += char(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string queryValue(const std::string& query, const std::string& key)
{
    std::size_t pos = 0;
    while (pos <= query.size()) {
        auto end = query.find('&', pos);
        if (end == std::string::npos)
            end = query.size();
        const std::string pair = query.substr(pos, end - pos);
        if (pair.rfind(key + "=", 0) == 0)
            return percentDecode(pair.substr(key.size() + 1));
        pos = end + 1;
    }
    return {};
}

const char* reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 206:
        return "Partial Content";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 416:
        return "Range Not Satisfiable";
    case 429:
        return "Too Many Requests";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

bool takeTimes(int& times)
{
    if (times == 0)
        return false;
    if (times > 0)
        --times;
    return true;
}

} // namespace

FakeHubServer::FakeHubServer() = default;

FakeHubServer::~FakeHubServer()
{
    stop();
}

std::string FakeHubServer::sha256Hex(const std::string& data)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
    return hex(digest, sizeof digest);
}

std::string FakeHubServer::gitBlobSha1Hex(const std::string& data)
{
    std::string blob = "blob " + std::to_string(data.size());
    blob += '\0';
    blob += data;
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(blob.data()), blob.size(), digest);
    return hex(digest, sizeof digest);
}

bool FakeHubServer::start()
{
    m_listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_listenFd < 0)
        return false;
    const int yes = 1;
    ::setsockopt(m_listenFd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(m_listenFd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(m_listenFd, 64) != 0) {
        ::close(m_listenFd);
        m_listenFd = -1;
        return false;
    }
    socklen_t length = sizeof address;
    ::getsockname(m_listenFd, reinterpret_cast<sockaddr*>(&address), &length);
    m_port = ntohs(address.sin_port);
    m_stopping = false;
    m_acceptThread = std::thread([this] { acceptLoop(); });
    return true;
}

void FakeHubServer::stop()
{
    m_stopping = true;
    if (m_acceptThread.joinable())
        m_acceptThread.join();
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(m_mutex);
        threads.swap(m_threads);
    }
    for (auto& thread : threads)
        thread.join();
    if (m_listenFd >= 0) {
        ::close(m_listenFd);
        m_listenFd = -1;
    }
}

std::string FakeHubServer::baseUrl() const
{
    return "http://127.0.0.1:" + std::to_string(m_port);
}

void FakeHubServer::addFile(const std::string& repo, const std::string& path, std::string content, bool lfs)
{
    std::lock_guard lock(m_mutex);
    File& file = m_repos[repo].files[path];
    file.content = std::move(content);
    file.lfs = lfs;
}

void FakeHubServer::setFaults(const std::string& repo, const std::string& path, const Faults& faults)
{
    std::lock_guard lock(m_mutex);
    m_repos[repo].files[path].faults = faults;
}

void FakeHubServer::setListingStatus(const std::string& repo, int status, int times, int retryAfterSeconds)
{
    std::lock_guard lock(m_mutex);
    Repo& entry = m_repos[repo];
    entry.listingStatus = status;
    entry.listingTimes = times;
    entry.listingRetryAfter = retryAfterSeconds;
}

void FakeHubServer::setRequiredToken(const std::string& token)
{
    std::lock_guard lock(m_mutex);
    m_token = token;
}

void FakeHubServer::setTreePageSize(int entries)
{
    std::lock_guard lock(m_mutex);
    m_pageSize = entries;
}

std::vector<FakeHubServer::Request> FakeHubServer::requests() const
{
    std::lock_guard lock(m_mutex);
    return m_requests;
}

std::vector<FakeHubServer::Request> FakeHubServer::requestsFor(const std::string& pathSuffix) const
{
    std::vector<Request> matching;
    for (const auto& request : requests()) {
        std::string target = percentDecode(request.target);
        const bool isFile = target.find("/resolve/main/") != std::string::npos ||
                            target.find("FilePath=") != std::string::npos;
        if (isFile && target.size() >= pathSuffix.size() &&
            target.compare(target.size() - pathSuffix.size(), pathSuffix.size(), pathSuffix) == 0)
            matching.push_back(request);
    }
    return matching;
}

void FakeHubServer::acceptLoop()
{
    while (!m_stopping) {
        pollfd pfd{m_listenFd, POLLIN, 0};
        if (::poll(&pfd, 1, 20) <= 0)
            continue;
        const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        std::lock_guard lock(m_mutex);
        m_threads.emplace_back([this, fd] { serve(fd); });
    }
}

bool FakeHubServer::sendAll(int fd, const std::string& data)
{
    if (data.rfind("HTTP/1.1 ", 0) == 0) {
        std::lock_guard lock(m_mutex);
        const auto it = m_pending.find(fd);
        if (it != m_pending.end()) {
            it->second.status = std::atoi(data.c_str() + 9);
            m_requests.push_back(it->second);
            m_pending.erase(it);
        }
    }
    std::size_t sent = 0;
    while (sent < data.size()) {
        if (m_stopping)
            return false;
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        sent += std::size_t(n);
    }
    return true;
}

void FakeHubServer::serve(int fd)
{
    std::string buffer;
    char chunk[4096];
    while (buffer.find("\r\n\r\n") == std::string::npos && !m_stopping) {
        pollfd pfd{fd, POLLIN, 0};
        if (::poll(&pfd, 1, 20) <= 0)
            continue;
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            break;
        buffer.append(chunk, std::size_t(n));
    }
    const auto headerEnd = buffer.find("\r\n\r\n");
    if (headerEnd == std::string::npos) {
        ::close(fd);
        return;
    }
    std::map<std::string, std::string> headers;
    std::string method, target;
    std::size_t lineStart = 0;
    bool first = true;
    while (lineStart < headerEnd) {
        auto lineEnd = buffer.find("\r\n", lineStart);
        const std::string line = buffer.substr(lineStart, lineEnd - lineStart);
        lineStart = lineEnd + 2;
        if (first) {
            first = false;
            const auto a = line.find(' ');
            const auto b = line.find(' ', a + 1);
            method = line.substr(0, a);
            target = line.substr(a + 1, b - a - 1);
            continue;
        }
        const auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        headers[name] = value;
    }
    Request record;
    record.target = target;
    record.range = headers.count("range") ? headers["range"] : "";
    record.authorization = headers.count("authorization") ? headers["authorization"] : "";
    record.received = std::chrono::steady_clock::now();
    {
        // Recorded when the status line goes out (sendAll), so a client that has its answer always finds its
        // request in requests().
        std::lock_guard lock(m_mutex);
        m_pending[fd] = record;
    }
    const int status = handle(fd, method, target, headers, record);
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_pending.find(fd);
        if (it != m_pending.end()) {
            it->second.status = status;
            m_requests.push_back(it->second);
            m_pending.erase(it);
        }
    }
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
}

int FakeHubServer::handle(int fd, const std::string& method, const std::string& target,
                          const std::map<std::string, std::string>& headers, Request& record)
{
    auto reply = [&](int status, const std::string& body, const std::string& extra = {}) {
        sendAll(fd, "HTTP/1.1 " + std::to_string(status) + " " + reason(status) +
                        "\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\nConnection: close\r\n" + extra + "\r\n" + body);
        return status;
    };
    const auto question = target.find('?');
    const std::string path = percentDecode(target.substr(0, question));
    const std::string query = question == std::string::npos ? "" : target.substr(question + 1);
    bool authorised = true;
    {
        std::lock_guard lock(m_mutex);
        authorised = m_token.empty() || record.authorization == "Bearer " + m_token;
    }
    if (!authorised)
        return reply(401, R"({"error":"Invalid credentials in Authorization header"})");
    if (method != "GET")
        return reply(400, R"({"error":"GET only"})");

    auto splitRepo = [](const std::string& rest, std::string& repo, std::string& tail) {
        const auto a = rest.find('/');
        if (a == std::string::npos)
            return false;
        const auto b = rest.find('/', a + 1);
        repo = rest.substr(0, b);
        tail = b == std::string::npos ? "" : rest.substr(b);
        return true;
    };
    std::string repo, tail;
    auto listingFault = [&](const std::string& name) -> int {
        std::lock_guard lock(m_mutex);
        auto it = m_repos.find(name);
        if (it == m_repos.end())
            return 404;
        if (it->second.listingStatus != 0 && takeTimes(it->second.listingTimes))
            return it->second.listingStatus;
        return 0;
    };
    if (path.rfind("/api/models/", 0) == 0 && splitRepo(path.substr(12), repo, tail) &&
        tail == "/tree/main") {
        if (const int status = listingFault(repo)) {
            int retryAfter = -1;
            {
                std::lock_guard lock(m_mutex);
                if (m_repos.count(repo))
                    retryAfter = m_repos[repo].listingRetryAfter;
            }
            return reply(status, R"({"error":"listing fault"})",
                         retryAfter >= 0 ? "Retry-After: " + std::to_string(retryAfter) + "\r\n" : "");
        }
        return serveTree(fd, repo, query);
    }
    if (path.rfind("/api/v1/models/", 0) == 0 && splitRepo(path.substr(15), repo, tail)) {
        if (tail == "/repo/files") {
            if (const int status = listingFault(repo))
                return reply(status, R"({"Code":404,"Message":"listing fault"})");
            return serveModelScopeList(fd, repo);
        }
        if (tail == "/repo") {
            const std::string filePath = queryValue(query, "FilePath");
            std::unique_lock lock(m_mutex);
            auto it = m_repos.find(repo);
            if (it == m_repos.end() || !it->second.files.count(filePath)) {
                lock.unlock();
                return reply(404, R"({"Code":404,"Message":"file not found"})");
            }
            File& file = it->second.files[filePath];
            lock.unlock();
            return serveFile(fd, file, record.range);
        }
    }
    if (splitRepo(path.substr(1), repo, tail) && tail.rfind("/resolve/main/", 0) == 0) {
        const std::string filePath = tail.substr(14);
        std::unique_lock lock(m_mutex);
        auto it = m_repos.find(repo);
        if (it == m_repos.end() || !it->second.files.count(filePath)) {
            lock.unlock();
            return reply(404, R"({"error":"Entry not found"})");
        }
        File& file = it->second.files[filePath];
        lock.unlock();
        return serveFile(fd, file, record.range);
    }
    return reply(404, R"({"error":"Repository not found"})");
}

int FakeHubServer::serveFile(int fd, File& file, const std::string& range)
{
    Faults faults;
    bool error = false, drop = false, corrupt = false;
    {
        std::lock_guard lock(m_mutex);
        error = file.faults.errorStatus != 0 && takeTimes(file.faults.errorTimes);
        if (!error) {
            drop = file.faults.dropAfterBytes > 0 && takeTimes(file.faults.dropTimes);
            corrupt = takeTimes(file.faults.corruptTimes);
        }
        faults = file.faults;
    }
    const std::string& content = file.content;
    if (error) {
        std::string extra;
        if (faults.retryAfterSeconds >= 0)
            extra = "Retry-After: " + std::to_string(faults.retryAfterSeconds) + "\r\n";
        const std::string body = R"({"error":"injected"})";
        sendAll(fd, "HTTP/1.1 " + std::to_string(faults.errorStatus) + " " + reason(faults.errorStatus) +
                        "\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\nConnection: close\r\n" + extra + "\r\n" + body);
        return faults.errorStatus;
    }
    std::uint64_t start = 0;
    int status = 200;
    if (!range.empty()) {
        unsigned long long value = 0;
        if (std::sscanf(range.c_str(), "bytes=%llu-", &value) == 1) {
            if (value >= content.size()) {
                sendAll(fd, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */" +
                                std::to_string(content.size()) +
                                "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                return 416;
            }
            start = value;
            status = 206;
        }
    }
    std::string body = content.substr(start);
    if (corrupt && !body.empty()) {
        const std::uint64_t at = std::max<std::uint64_t>(start, content.size() / 2) - start;
        body[at] = char(body[at] ^ 0x5a);
    }
    std::string head =
        "HTTP/1.1 " + std::to_string(status) + " " + reason(status) +
        "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nAccept-Ranges: bytes\r\nConnection: close\r\n";
    if (status == 206)
        head += "Content-Range: bytes " + std::to_string(start) + "-" + std::to_string(content.size() - 1) +
                "/" + std::to_string(content.size()) + "\r\n";
    head += "\r\n";
    const int active = ++m_active;
    int seen = m_maxConcurrent;
    while (active > seen && !m_maxConcurrent.compare_exchange_weak(seen, active)) {
    }
    bool ok = sendAll(fd, head);
    const std::uint64_t limit =
        drop ? std::min<std::uint64_t>(faults.dropAfterBytes, body.size()) : body.size();
    const std::size_t piece = faults.bytesPerSecond > 0
                                  ? std::size_t(std::max<std::uint64_t>(1, faults.bytesPerSecond / 50))
                                  : std::size_t(1) << 16;
    std::uint64_t sent = 0;
    while (ok && sent < limit) {
        const std::size_t n = std::size_t(std::min<std::uint64_t>(piece, limit - sent));
        ok = sendAll(fd, body.substr(sent, n));
        if (ok) {
            sent += n;
            m_bodyBytes += n;
        }
        if (faults.bytesPerSecond > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    --m_active; // a dropped reply simply closes early: the client sees fewer bytes than Content-Length
    return status;
}

int FakeHubServer::serveTree(int fd, const std::string& repo, const std::string& query)
{
    nlohmann::json all = nlohmann::json::array();
    int pageSize = 0;
    {
        std::lock_guard lock(m_mutex);
        pageSize = m_pageSize;
        std::set<std::string> folders;
        for (const auto& [path, file] : m_repos[repo].files) {
            for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
                folders.insert(path.substr(0, slash));
            const std::uint64_t size = file.faults.listedSize.value_or(file.content.size());
            nlohmann::json entry = {
                {"type", "file"}, {"path", path}, {"size", size}, {"oid", gitBlobSha1Hex(file.content)}};
            if (file.lfs)
                entry["lfs"] = {{"oid", sha256Hex(file.content)}, {"size", size}, {"pointerSize", 134}};
            all.push_back(entry);
        }
        for (const auto& folder : folders)
            all.push_back(
                {{"type", "directory"}, {"path", folder}, {"oid", std::string(40, '0')}, {"size", 0}});
    }
    const std::size_t begin = std::size_t(std::atoi(queryValue(query, "cursor").c_str()));
    std::size_t end = all.size();
    std::string extra;
    if (pageSize > 0 && begin + std::size_t(pageSize) < all.size()) {
        end = begin + std::size_t(pageSize);
        extra = "Link: <" + baseUrl() + "/api/models/" + repo +
                "/tree/main?recursive=true&cursor=" + std::to_string(end) + ">; rel=\"next\"\r\n";
    }
    nlohmann::json page = nlohmann::json::array();
    for (std::size_t i = begin; i < end && i < all.size(); ++i)
        page.push_back(all[i]);
    const std::string body = page.dump();
    sendAll(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\nConnection: close\r\n" + extra + "\r\n" + body);
    return 200;
}

int FakeHubServer::serveModelScopeList(int fd, const std::string& repo)
{
    nlohmann::json files = nlohmann::json::array();
    {
        std::lock_guard lock(m_mutex);
        for (const auto& [path, file] : m_repos[repo].files) {
            const std::uint64_t size = file.faults.listedSize.value_or(file.content.size());
            files.push_back({{"Name", path.substr(path.rfind('/') + 1)},
                             {"Path", path},
                             {"Type", "blob"},
                             {"Size", size},
                             {"Sha256", sha256Hex(file.content)},
                             {"IsLFS", file.lfs}});
        }
        files.push_back(
            {{"Name", "google"}, {"Path", "google"}, {"Type", "tree"}, {"Size", 0}, {"Sha256", ""}});
    }
    const nlohmann::json document = {
        {"Code", 200}, {"Data", {{"Files", files}}}, {"Message", "success"}, {"Success", true}};
    const std::string body = document.dump();
    sendAll(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    return 200;
}

std::string randomBytes(std::size_t size, unsigned seed)
{
    std::mt19937 generator(seed);
    std::string data(size, '\0');
    for (char& c : data)
        c = char(generator() & 0xff);
    return data;
}

std::string readFileBytes(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

} // namespace wan::test
