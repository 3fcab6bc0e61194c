#include "sdk/directory_lock.hpp"

#include "error.hpp"
#include "sdk_test_support.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace verifysdk::sdk {
namespace {

using namespace std::chrono_literals;
using test::TempDir;
namespace fs = std::filesystem;

// Child exit codes for try_in_child.
constexpr int child_locked = 0;
constexpr int child_timed_out = 1;
constexpr int child_other = 2;

// Tries to take the lock in a forked process (flock is per open file
// description, so another process is the faithful test) and reports how it
// went through the exit status.
int try_in_child(const fs::path& lock_file, std::chrono::milliseconds timeout) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        int status = child_other;
        try {
            auto lock = DirectoryLock::acquire(lock_file, timeout);
            status = lock.held() ? child_locked : child_other;
        } catch (const Error& e) {
            const std::string message = e.what();
            if (e.code() == ExitCode::FileSystem &&
                message.find("another verifysdk is still working on") != std::string::npos)
                status = child_timed_out;
        } catch (...) {
        }
        ::_exit(status);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(DirectoryLock, SecondProcessTimesOutWhileHeldAndSucceedsAfterRelease) {
    TempDir tmp;
    const fs::path lock_file = tmp / "lock";
    auto lock = DirectoryLock::acquire(lock_file, 0ms);
    EXPECT_TRUE(lock.held());
    EXPECT_EQ(test::mode_of(lock_file), 0600u);

    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(try_in_child(lock_file, 300ms), child_timed_out);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);

    lock.release();
    EXPECT_FALSE(lock.held());
    EXPECT_EQ(try_in_child(lock_file, 300ms), child_locked);
    EXPECT_TRUE(fs::exists(lock_file)); // never deleted (see header)
}

TEST(DirectoryLock, LockDiesWithTheProcess) {
    TempDir tmp;
    const fs::path lock_file = tmp / "lock";
    const pid_t pid = ::fork();
    if (pid == 0) {
        auto lock = DirectoryLock::acquire(lock_file, 0ms);
        ::pause(); // held until killed
        ::_exit(0);
    }
    // Wait until the child holds it, then kill -9 it.
    for (int i = 0; i < 100 && !fs::exists(lock_file); ++i)
        std::this_thread::sleep_for(10ms);
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(try_in_child(lock_file, 0ms), child_timed_out);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    auto lock = DirectoryLock::acquire(lock_file, 1s);
    EXPECT_TRUE(lock.held());
}

TEST(DirectoryLock, WaitCallbackRunsOnceAndMessageNamesTheDestination) {
    TempDir tmp;
    const auto paths_root = tmp / ".verifysdk/sdk";
    fs::create_directories(paths_root);
    const fs::path lock_file = paths_root / "lock";
    auto held = DirectoryLock::acquire(lock_file, 0ms);

    // A second descriptor in the same process conflicts too (flock is per
    // open file description), so no child is needed here.
    int waits = 0;
    const auto caught =
        test::catch_error([&] { DirectoryLock::acquire(lock_file, 250ms, [&] { ++waits; }); });
    EXPECT_EQ(waits, 1);
    EXPECT_EQ(caught.code, ExitCode::FileSystem);
    EXPECT_NE(
        caught.message.find("another verifysdk is still working on " + (tmp / "sdk").string()),
        std::string::npos)
        << caught.message;
    EXPECT_NE(caught.message.find("(lock held for more than 0.3 s)"), std::string::npos)
        << caught.message;
    EXPECT_FALSE(caught.hint.empty());
}

TEST(DirectoryLock, MovedLockStaysHeldUntilTheNewOwnerReleases) {
    TempDir tmp;
    const fs::path lock_file = tmp / "lock";
    auto first = DirectoryLock::acquire(lock_file, 0ms);
    DirectoryLock second = std::move(first);
    EXPECT_TRUE(second.held());
    EXPECT_EQ(try_in_child(lock_file, 0ms), child_timed_out);
    second.release();
    EXPECT_EQ(try_in_child(lock_file, 0ms), child_locked);
}

TEST(DirectoryLock, UnopenableLockFileIsAFileSystemError) {
    TempDir tmp;
    EXPECT_EQ(test::catch_error([&] { DirectoryLock::acquire(tmp / "missing/lock", 0ms); }).code,
              ExitCode::FileSystem);
}

} // namespace
} // namespace verifysdk::sdk
