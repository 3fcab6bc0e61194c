// A transport failure (no HTTP answer). Most are worth retrying; a
// certificate that does not verify never is.
#pragma once

#include "error.hpp"

namespace verifysdk::net {

class NetworkError : public Error {
public:
    NetworkError(const std::string& message, bool retryable, std::string hint = {})
        : Error(ExitCode::Network, message, {.hint = std::move(hint)}), retryable_(retryable) {}
    bool retryable() const noexcept { return retryable_; }

private:
    bool retryable_;
};

} // namespace verifysdk::net
