// When to ask DescribeVerifySDK again. The interval grows with the time
// already waited (1 s + 10% of it, capped), so the delay between the SDK
// becoming ready and us noticing stays under 10% of the wait plus a second,
// while a long generation is not asked about every few seconds.
#pragma once

#include <chrono>
#include <optional>
#include <random>

namespace verifysdk::sdk {

struct PollSchedule {
    std::chrono::milliseconds first{2000};
    std::chrono::milliseconds floor{1000};
    double growth = 0.10; // share of the elapsed time added to the floor
    std::chrono::milliseconds cap{15'000};

    // Delay before the next check, `elapsed` after submission. Jitter only
    // shortens the interval (never by more than 20%), so the bound above holds.
    std::chrono::milliseconds next(std::chrono::milliseconds elapsed, int checks_done,
                                   std::optional<std::chrono::milliseconds> server_hint,
                                   std::mt19937_64& random) const;
};

} // namespace verifysdk::sdk
