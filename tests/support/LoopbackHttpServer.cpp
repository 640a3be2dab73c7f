#include "support/LoopbackHttpServer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace wan::test {

namespace {

const char* reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

bool sendAll(int fd, const std::string& data)
{
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return false;
        }
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::string trim(const std::string& text)
{
    const auto begin = text.find_first_not_of(" \t");
    if (begin == std::string::npos)
        return {};
    const auto end = text.find_last_not_of(" \t\r");
    return text.substr(begin, end - begin + 1);
}

} // namespace

LoopbackHttpServer::LoopbackHttpServer() = default;

LoopbackHttpServer::~LoopbackHttpServer()
{
    stop();
}

bool LoopbackHttpServer::start()
{
    m_listenFd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_listenFd < 0) {
        m_error = std::string("socket: ") + std::strerror(errno);
        return false;
    }
    const int yes = 1;
    ::setsockopt(m_listenFd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(m_listenFd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(m_listenFd, 16) != 0) {
        m_error = std::string("bind/listen on 127.0.0.1: ") + std::strerror(errno);
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

void LoopbackHttpServer::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_stopCondition.notify_all();
    if (m_acceptThread.joinable())
        m_acceptThread.join();
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(m_mutex);
        threads.swap(m_connectionThreads);
    }
    for (auto& thread : threads)
        thread.join();
    if (m_listenFd >= 0) {
        ::close(m_listenFd);
        m_listenFd = -1;
    }
}

std::string LoopbackHttpServer::baseUrl() const
{
    return "http://127.0.0.1:" + std::to_string(m_port);
}

void LoopbackHttpServer::enqueue(Reply reply)
{
    std::lock_guard lock(m_mutex);
    m_replies.push_back(std::move(reply));
}

std::vector<LoopbackHttpServer::Request> LoopbackHttpServer::requests() const
{
    std::lock_guard lock(m_mutex);
    return m_requests;
}

bool LoopbackHttpServer::waitStoppable(std::chrono::milliseconds duration)
{
    std::unique_lock lock(m_mutex);
    return !m_stopCondition.wait_for(lock, duration, [this] { return m_stopping.load(); });
}

void LoopbackHttpServer::acceptLoop()
{
    while (!m_stopping) {
        pollfd pfd{m_listenFd, POLLIN, 0};
        if (::poll(&pfd, 1, 20) <= 0)
            continue;
        const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        std::lock_guard lock(m_mutex);
        m_connectionThreads.emplace_back([this, fd] {
            serve(fd);
            ::close(fd);
        });
    }
}

void LoopbackHttpServer::serve(int fd)
{
    // Read the head, then Content-Length bytes of body.
    std::string data;
    std::size_t headEnd = std::string::npos;
    std::size_t contentLength = 0;
    char buffer[16384];
    while (!m_stopping) {
        if (headEnd != std::string::npos && data.size() >= headEnd + 4 + contentLength)
            break;
        pollfd pfd{fd, POLLIN, 0};
        const int ready = ::poll(&pfd, 1, 20);
        if (ready <= 0)
            continue;
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0)
            return;
        data.append(buffer, static_cast<std::size_t>(n));
        if (headEnd == std::string::npos) {
            headEnd = data.find("\r\n\r\n");
            if (headEnd != std::string::npos) {
                const std::string head = lower(data.substr(0, headEnd));
                const auto pos = head.find("\r\ncontent-length:");
                if (pos != std::string::npos)
                    contentLength = std::stoul(head.substr(pos + 17, head.find("\r\n", pos + 2) - pos - 17));
            }
        }
    }
    if (m_stopping || headEnd == std::string::npos)
        return;

    Request request;
    request.received = std::chrono::steady_clock::now();
    const std::string head = data.substr(0, headEnd);
    request.body = data.substr(headEnd + 4, contentLength);
    std::size_t lineStart = 0;
    bool first = true;
    while (lineStart <= head.size()) {
        std::size_t lineEnd = head.find("\r\n", lineStart);
        if (lineEnd == std::string::npos)
            lineEnd = head.size();
        const std::string line = head.substr(lineStart, lineEnd - lineStart);
        if (first) {
            const auto space1 = line.find(' ');
            const auto space2 = line.find(' ', space1 + 1);
            request.method = line.substr(0, space1);
            request.path = line.substr(space1 + 1, space2 - space1 - 1);
            first = false;
        } else if (const auto colon = line.find(':'); colon != std::string::npos) {
            request.headers[lower(line.substr(0, colon))] = trim(line.substr(colon + 1));
        }
        lineStart = lineEnd + 2;
    }

    Reply reply;
    {
        std::lock_guard lock(m_mutex);
        m_requests.push_back(request);
        if (m_replies.empty()) {
            reply.status = 500;
            reply.body = R"({"code":"NoScript","message":"no scripted reply"})";
        } else {
            reply = std::move(m_replies.front());
            m_replies.pop_front();
        }
    }

    if (reply.closeWithoutReply)
        return;
    if (reply.hang) {
        waitStoppable(std::chrono::hours(1));
        return;
    }
    if (reply.delay.count() > 0 && !waitStoppable(reply.delay))
        return;

    std::string response =
        "HTTP/1.1 " + std::to_string(reply.status) + " " + reasonPhrase(reply.status) + "\r\n";
    bool hasContentType = false;
    for (const auto& [name, value] : reply.headers) {
        hasContentType = hasContentType || lower(name) == "content-type";
        response += name + ": " + value + "\r\n";
    }
    if (!hasContentType)
        response += "Content-Type: application/json\r\n";
    response += "Content-Length: " + std::to_string(reply.body.size()) + "\r\nConnection: close\r\n\r\n";
    if (!sendAll(fd, response))
        return;

    const int chunks = std::max(1, reply.chunks);
    const std::size_t piece = (reply.body.size() + chunks - 1) / chunks;
    for (std::size_t offset = 0; offset < reply.body.size(); offset += piece) {
        if (offset > 0 && reply.chunkInterval.count() > 0 && !waitStoppable(reply.chunkInterval))
            return;
        if (!sendAll(fd, reply.body.substr(offset, piece)))
            return;
    }
    ::shutdown(fd, SHUT_WR);
}

} // namespace wan::test
