#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace wan {

// What went wrong, so callers (CLI exit codes, UI messages) can react without parsing text.
enum class ErrorKind
{
    InvalidArgument = 1, // bad flag, bad request value
    ModelFolder,         // a file of the model folder is missing or not what it should be
    CorruptFile,         // a file exists but cannot be parsed (truncated, bad header, forbidden pickle)
    Io,                  // read/write failure (permissions, disk full)
    Image,               // an input image cannot be read
    OutOfMemory,
    Cancelled,
    Network,
    Internal,
};

// Every error the engine reports: a message written for the user (names the file and the fix). `reason`:
// a stable machine-readable code where a front end may want to add its own advice (see wan::reason in
// wan/Request.h); empty otherwise.
class Error : public std::runtime_error
{
public:
    Error(ErrorKind kind, const std::string& message, std::string_view reason = {})
        : std::runtime_error(message), m_kind(kind), m_reason(reason)
    {
    }
    ErrorKind kind() const noexcept { return m_kind; }
    const std::string& reason() const noexcept { return m_reason; }

private:
    ErrorKind m_kind;
    std::string m_reason;
};

} // namespace wan
