// Waits for a generation task: polls DescribeVerifySDK on the PollSchedule
// until it returns the SDK address, the task fails, or the wait times out.
#pragma once

#include "api/cloudauth_client.hpp"
#include "log.hpp"
#include "sdk/poll_schedule.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace verifysdk::sdk {

struct WaitOptions {
    std::chrono::milliseconds timeout{10 * 60 * 1000};
    PollSchedule schedule;
    bool terminal = false; // redraw one status line instead of a line per check
};

struct WaitResult {
    std::string sdk_url;
    int checks = 0;
};

// `submitted_at` is when the task was created (a resumed task has waited already).
// Throws Error(WaitTimeout) or the client's errors; messages carry the TaskId.
WaitResult wait_for_sdk(api::CloudauthClient& client, const std::string& task_id,
                        std::chrono::system_clock::time_point submitted_at,
                        const WaitOptions& options, const Log& log);

} // namespace verifysdk::sdk
