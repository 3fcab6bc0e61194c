#include "interrupt.hpp"

#include "error.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <thread>

namespace verifysdk {

namespace {
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void remember_signal(int number) { g_signal.store(number); }
} // namespace

void install_interrupt_handlers() {
    struct sigaction action {};
    action.sa_handler = remember_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    // A closed pipe on stdout must not kill us before cleanup.
    std::signal(SIGPIPE, SIG_IGN);
}

bool interrupted() noexcept { return g_signal.load() != 0; }

void throw_if_interrupted() {
    if (interrupted())
        throw Error(ExitCode::Interrupted, "interrupted",
                    {.hint = "run the same command again to resume"});
}

void sleep_interruptibly(std::chrono::milliseconds duration) {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    while (true) {
        throw_if_interrupted();
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::milliseconds::zero())
            return;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            left, std::chrono::milliseconds(50)));
    }
}

} // namespace verifysdk
