#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1 for tests: serves scripted replies (with delays, hangs and slow
// streamed bodies) from its own thread and records every request. One request per connection ("Connection:
// close").

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace wan::test {

class LoopbackHttpServer
{
public:
    struct Reply
    {
        int status = 200;
        std::vector<std::pair<std::string, std::string>>
            headers; // extra headers (Content-Type is JSON by default)
        std::string body;
        std::chrono::milliseconds delay{0}; // before the status line
        bool hang = false;                  // read the request, then never answer (until stop())
        // Streamed body: the headers, then `body` in `chunks` pieces `chunkInterval` apart (Content-Length
        // given).
        int chunks = 1;
        std::chrono::milliseconds chunkInterval{0};
        bool closeWithoutReply = false; // read the request, then close the connection
    };

    struct Request
    {
        std::string method;
        std::string path;
        std::map<std::string, std::string> headers; // names lower-cased
        std::string body;
        std::chrono::steady_clock::time_point received;
    };

    LoopbackHttpServer();
    ~LoopbackHttpServer();
    LoopbackHttpServer(const LoopbackHttpServer&) = delete;
    LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

    // Binds 127.0.0.1 on an ephemeral port and starts serving; false (with errorString()) on failure.
    bool start();
    void stop();

    int port() const { return m_port; }
    std::string baseUrl() const; // "http://127.0.0.1:<port>"
    std::string errorString() const { return m_error; }

    // Replies are used in order; when none is left the server answers 500 "no scripted reply".
    void enqueue(Reply reply);
    std::vector<Request> requests() const;

private:
    void acceptLoop();
    void serve(int fd);
    bool waitStoppable(std::chrono::milliseconds duration);

    int m_listenFd = -1;
    int m_port = 0;
    std::string m_error;
    std::atomic<bool> m_stopping{false};
    std::thread m_acceptThread;
    mutable std::mutex m_mutex;
    std::condition_variable m_stopCondition;
    std::deque<Reply> m_replies;
    std::vector<Request> m_requests;
    std::vector<std::thread> m_connectionThreads;
};

} // namespace wan::test
