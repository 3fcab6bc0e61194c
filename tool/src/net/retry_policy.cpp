#include "net/retry_policy.hpp"

#include <algorithm>
#include <charconv>

namespace verifysdk::net {

namespace {
constexpr std::chrono::milliseconds max_hint{600'000};

std::optional<long long> parse_non_negative(const std::string& text) {
    long long value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || value < 0 || ptr == text.data() || ptr != end)
        return std::nullopt;
    return value;
}
} // namespace

std::chrono::milliseconds RetryPolicy::delay(int retry,
                                             std::optional<std::chrono::milliseconds> server_hint,
                                             std::mt19937_64& random) const {
    if (server_hint)
        return std::min(*server_hint, max_hint);
    const int shift = std::clamp(retry, 0, 30);
    const long long ceiling =
        std::min<long long>(cap.count(), base.count() * (1LL << shift));
    std::uniform_int_distribution<long long> pick(0, std::max<long long>(ceiling, 0));
    return std::chrono::milliseconds(pick(random));
}

std::optional<std::chrono::milliseconds> retry_after_hint(const HeaderMap& headers) {
    if (auto it = headers.find("x-acs-retry-after"); it != headers.end()) {
        if (auto ms = parse_non_negative(it->second))
            return std::min(std::chrono::milliseconds(*ms), max_hint);
    }
    if (auto it = headers.find("retry-after"); it != headers.end()) {
        if (auto seconds = parse_non_negative(it->second))
            return *seconds >= max_hint.count() / 1000 ? max_hint
                                                        : std::chrono::milliseconds(*seconds * 1000);
    }
    return std::nullopt;
}

bool is_retryable_error_code(const std::string& code) {
    return code.rfind("Throttling", 0) == 0 || code == "Rejected.Throttling" ||
           code == "ServiceUnavailable" || code == "InternalError" ||
           code == "SignatureNonceUsed";
}

} // namespace verifysdk::net
