#include "sdk/generation_waiter.hpp"

#include "error.hpp"
#include "interrupt.hpp"

#include <cstdio>
#include <iostream>
#include <random>

namespace verifysdk::sdk {

namespace {
using std::chrono::duration_cast;
using std::chrono::milliseconds;

std::string seconds(milliseconds value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.0f s", static_cast<double>(value.count()) / 1000.0);
    return text;
}
} // namespace

WaitResult wait_for_sdk(api::CloudauthClient& client, const std::string& task_id,
                        std::chrono::system_clock::time_point submitted_at,
                        const WaitOptions& options, const Log& log) {
    std::mt19937_64 random(std::random_device{}());
    const auto started = std::chrono::steady_clock::now();
    // Time already waited before this process started (a resumed task).
    const auto before = std::max(milliseconds(0), duration_cast<milliseconds>(
                                                      std::chrono::system_clock::now() - submitted_at));
    const auto elapsed = [&] {
        return before + duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    };

    WaitResult result;
    while (true) {
        const auto waited_here = duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
        auto delay = options.schedule.next(elapsed(), result.checks, std::nullopt, random);
        if (waited_here + delay > options.timeout)
            delay = std::max(milliseconds(0), options.timeout - waited_here);
        if (delay.count() > 0) {
            if (options.terminal) {
                std::cerr << "\rverifysdk: generating the SDK (task " << task_id << "): "
                          << seconds(elapsed()) << " elapsed, next check in " << seconds(delay)
                          << "   " << std::flush;
            }
            sleep_interruptibly(delay);
        }
        const api::DescribeResult answer = client.describe_verify_sdk(task_id);
        ++result.checks;
        if (answer.ready()) {
            if (options.terminal)
                std::cerr << '\n';
            log.info("the SDK is ready after " + seconds(elapsed()) + " (" +
                     std::to_string(result.checks) + " checks)");
            result.sdk_url = answer.sdk_url;
            return result;
        }
        if (!options.terminal)
            log.info("generating the SDK (task " + task_id + "): " + seconds(elapsed()) +
                     " elapsed, still running");
        if (duration_cast<milliseconds>(std::chrono::steady_clock::now() - started) >=
            options.timeout) {
            if (options.terminal)
                std::cerr << '\n';
            throw Error(ExitCode::WaitTimeout,
                        "gave up waiting for the SDK after " + seconds(options.timeout) +
                            "; task " + task_id + " is still generating",
                        {.service_code = "TaskId " + task_id,
                         .hint = "run the same command again to keep waiting for this task "
                                 "(or raise --wait-timeout)"});
        }
    }
}

} // namespace verifysdk::sdk
