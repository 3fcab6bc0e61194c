// Backoff with full jitter, the server's retry-after hints, and which Alibaba
// error codes are worth another attempt.
#include "net/retry_policy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>

using namespace verifysdk::net;
using std::chrono::milliseconds;

namespace {

RetryPolicy policy(long long base_ms, long long cap_ms) {
    RetryPolicy p;
    p.base = milliseconds(base_ms);
    p.cap = milliseconds(cap_ms);
    return p;
}

struct Spread {
    milliseconds low{milliseconds::max()}, high{milliseconds::min()};
};

// The smallest and largest of `samples` delays for retry number `retry`.
Spread sample(const RetryPolicy& p, int retry, int samples, std::mt19937_64& random) {
    Spread s;
    for (int i = 0; i < samples; ++i) {
        const milliseconds d = p.delay(retry, std::nullopt, random);
        s.low = std::min(s.low, d);
        s.high = std::max(s.high, d);
    }
    return s;
}

std::optional<milliseconds> hint_from(const std::string& name, const std::string& value) {
    return retry_after_hint({{name, value}});
}

} // namespace

// ---- full jitter -----------------------------------------------------------------

TEST(RetryPolicyJitter, StaysWithinZeroAndTheExponentialCeiling) {
    const RetryPolicy p = policy(500, 20'000);
    std::mt19937_64 random(20260101);
    for (int retry = 0; retry <= 8; ++retry) {
        const long long ceiling = std::min<long long>(20'000, 500LL << retry);
        const Spread s = sample(p, retry, 4000, random);
        EXPECT_GE(s.low.count(), 0) << "retry " << retry;
        EXPECT_LE(s.high.count(), ceiling) << "retry " << retry;
        // Full jitter uses the whole range, not just its top.
        EXPECT_LT(s.low.count(), ceiling / 10) << "retry " << retry;
        EXPECT_GT(s.high.count(), ceiling * 9 / 10) << "retry " << retry;
    }
}

TEST(RetryPolicyJitter, CapIsRespectedForLargeRetryNumbers) {
    const RetryPolicy p = policy(500, 3'000);
    std::mt19937_64 random(7);
    for (int retry : {3, 10, 30, 31, 62, 63, 64, 1000}) {
        const Spread s = sample(p, retry, 2000, random);
        EXPECT_GE(s.low.count(), 0) << "retry " << retry;
        EXPECT_LE(s.high.count(), 3'000) << "retry " << retry;
        EXPECT_GT(s.high.count(), 2'700) << "retry " << retry;
    }
}

TEST(RetryPolicyJitter, NegativeRetryNumberBehavesLikeTheFirstRetry) {
    const RetryPolicy p = policy(200, 20'000);
    std::mt19937_64 random(3);
    EXPECT_LE(sample(p, -5, 2000, random).high.count(), 200);
}

TEST(RetryPolicyJitter, SameSeedGivesTheSameDelays) {
    const RetryPolicy p;
    std::mt19937_64 a(42), b(42);
    for (int retry = 0; retry < 20; ++retry)
        EXPECT_EQ(p.delay(retry % 6, std::nullopt, a), p.delay(retry % 6, std::nullopt, b));
}

TEST(RetryPolicyJitter, ZeroBaseMeansNoWait) {
    const RetryPolicy p = policy(0, 20'000);
    std::mt19937_64 random(1);
    EXPECT_EQ(sample(p, 4, 100, random).high, milliseconds(0));
}

// ---- the server's hint -------------------------------------------------------------

TEST(RetryPolicyHint, ServerHintReplacesTheBackoff) {
    const RetryPolicy p = policy(500, 1'000);
    std::mt19937_64 random(1);
    EXPECT_EQ(p.delay(0, milliseconds(4'500), random), milliseconds(4'500))
        << "the server knows better than the policy cap";
    EXPECT_EQ(p.delay(5, milliseconds(0), random), milliseconds(0));
}

TEST(RetryPolicyHint, ServerHintIsCappedAtTenMinutes) {
    std::mt19937_64 random(1);
    EXPECT_EQ(RetryPolicy{}.delay(0, std::chrono::hours(2), random), milliseconds(600'000));
}

TEST(RetryAfterHint, AcsHeaderIsInMilliseconds) {
    EXPECT_EQ(hint_from("x-acs-retry-after", "1500"), milliseconds(1500));
    EXPECT_EQ(hint_from("x-acs-retry-after", "0"), milliseconds(0));
}

TEST(RetryAfterHint, StandardHeaderIsInSeconds) {
    EXPECT_EQ(hint_from("retry-after", "3"), milliseconds(3000));
    EXPECT_EQ(hint_from("retry-after", "0"), milliseconds(0));
}

TEST(RetryAfterHint, AcsHeaderWinsOverTheStandardOne) {
    EXPECT_EQ(retry_after_hint({{"x-acs-retry-after", "250"}, {"retry-after", "9"}}),
              milliseconds(250));
}

TEST(RetryAfterHint, NoHeaderNoHint) {
    EXPECT_EQ(retry_after_hint({}), std::nullopt);
    EXPECT_EQ(retry_after_hint({{"content-type", "application/json"}}), std::nullopt);
}

TEST(RetryAfterHint, LargeValuesAreCappedAtTenMinutes) {
    EXPECT_EQ(hint_from("x-acs-retry-after", "86400000"), milliseconds(600'000));
    EXPECT_EQ(hint_from("retry-after", "86400"), milliseconds(600'000));
}

TEST(RetryAfterHint, HugeSecondsValueIsCappedNotOverflowed) {
    // Fits in a long long, but not once multiplied by 1000.
    EXPECT_EQ(hint_from("retry-after", "9223372036854775807"), milliseconds(600'000));
    EXPECT_EQ(hint_from("retry-after", "10000000000000000"), milliseconds(600'000));
}

TEST(RetryAfterHint, GarbageIsIgnored) {
    for (const char* value : {"", "soon", "-5", "Wed, 21 Oct 2026 07:28:00 GMT", " ", "+3"}) {
        EXPECT_EQ(hint_from("retry-after", value), std::nullopt) << "\"" << value << "\"";
        EXPECT_EQ(hint_from("x-acs-retry-after", value), std::nullopt) << "\"" << value << "\"";
    }
}

TEST(RetryAfterHint, NumberWithTrailingGarbageIsIgnored) {
    for (const char* value : {"5s", "12abc", "1.5", "3 seconds", "-0x10"}) {
        EXPECT_EQ(hint_from("retry-after", value), std::nullopt) << "\"" << value << "\"";
        EXPECT_EQ(hint_from("x-acs-retry-after", value), std::nullopt) << "\"" << value << "\"";
    }
}

TEST(RetryAfterHint, GarbageAcsHeaderFallsBackToTheStandardOne) {
    EXPECT_EQ(retry_after_hint({{"x-acs-retry-after", "later"}, {"retry-after", "2"}}),
              milliseconds(2000));
}

// ---- retryable error codes ----------------------------------------------------------

TEST(RetryableErrorCodes, Table) {
    for (const char* code : {"Throttling", "Throttling.User", "Throttling.Api",
                             "Rejected.Throttling", "ServiceUnavailable", "InternalError",
                             "SignatureNonceUsed"})
        EXPECT_TRUE(is_retryable_error_code(code)) << code;

    for (const char* code : {"", "SignatureDoesNotMatch", "InvalidTimeStamp.Expired",
                             "InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive",
                             "Forbidden.RAM", "InvalidParameter", "InvalidParameter.AppUrl",
                             "MissingParameter", "MissingAppUrl", "throttling", "NotThrottling",
                             "InternalErrorX"})
        EXPECT_FALSE(is_retryable_error_code(code)) << code;
}
