// When and how long to wait before trying again: exponential backoff with
// full jitter, a cap, and the server's own retry-after when it sends one.
#pragma once

#include <chrono>
#include <optional>
#include <random>
#include <string>

#include "net/http_client.hpp"

namespace verifysdk::net {

struct RetryPolicy {
    int max_retries = 4;
    std::chrono::milliseconds base{500};
    std::chrono::milliseconds cap{20'000};

    // Delay before retry number `retry` (0 for the first retry): uniform in
    // [0, min(cap, base * 2^retry)], or the server's hint when it gave one.
    std::chrono::milliseconds delay(int retry, std::optional<std::chrono::milliseconds> server_hint,
                                    std::mt19937_64& random) const;
};

// x-acs-retry-after (milliseconds) or Retry-After (seconds), capped at 10 minutes.
std::optional<std::chrono::milliseconds> retry_after_hint(const HeaderMap& headers);

// Alibaba error codes that are worth another (freshly signed) attempt.
bool is_retryable_error_code(const std::string& code);

} // namespace verifysdk::net
