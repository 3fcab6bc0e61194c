// One error path for the whole tool: every failure is an exception derived
// from verifysdk::Error that carries the exit code. Only main() catches them.
#pragma once

#include <stdexcept>
#include <string>

namespace verifysdk {

// Exit codes are part of the public contract (README "Exit codes").
enum class ExitCode : int {
    Ok = 0,
    Usage = 2,
    Credentials = 3,
    Service = 4,       // the service answered with an error, or generation failed
    Network = 5,       // network failure after retries
    WaitTimeout = 6,   // gave up waiting for generation
    Verification = 7,  // download failed verification, or the archive is unsafe
    FileSystem = 8,    // not writable, disk full, lock held too long
    Interrupted = 130, // SIGINT / SIGTERM
};

// Details printed by main() as
//   verifysdk: error: <message> (<service_code>, RequestId <request_id>)
//   <hint>
struct ErrorDetails {
    std::string service_code; // Alibaba error Code, when the service sent one
    std::string request_id;
    std::string hint;         // one line saying what to do
};

class Error : public std::runtime_error {
public:
    Error(ExitCode code, const std::string& message, ErrorDetails details = {})
        : std::runtime_error(message), code_(code), details_(std::move(details)) {}

    ExitCode code() const noexcept { return code_; }
    const ErrorDetails& details() const noexcept { return details_; }

private:
    ExitCode code_;
    ErrorDetails details_;
};

inline Error usage_error(const std::string& message, std::string hint = {}) {
    return Error(ExitCode::Usage, message, {.hint = std::move(hint)});
}
inline Error fs_error(const std::string& message, std::string hint = {}) {
    return Error(ExitCode::FileSystem, message, {.hint = std::move(hint)});
}
inline Error verification_error(const std::string& message, std::string hint = {}) {
    return Error(ExitCode::Verification, message, {.hint = std::move(hint)});
}

} // namespace verifysdk
