#include "sdk/poll_schedule.hpp"

#include <algorithm>

namespace verifysdk::sdk {

std::chrono::milliseconds PollSchedule::next(std::chrono::milliseconds elapsed, int checks_done,
                                             std::optional<std::chrono::milliseconds> server_hint,
                                             std::mt19937_64& random) const {
    if (server_hint)
        return std::max(*server_hint, floor);
    if (checks_done == 0)
        return std::max(first - elapsed, std::chrono::milliseconds(0));
    const auto ideal = std::min<long long>(
        cap.count(), floor.count() + static_cast<long long>(growth * static_cast<double>(elapsed.count())));
    std::uniform_real_distribution<double> jitter(0.8, 1.0);
    return std::chrono::milliseconds(
        std::max<long long>(floor.count(), static_cast<long long>(static_cast<double>(ideal) * jitter(random))));
}

} // namespace verifysdk::sdk
