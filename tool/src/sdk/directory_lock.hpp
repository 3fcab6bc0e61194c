// One verifysdk at a time per destination: an exclusive flock() on the state
// root's `lock` file. The kernel drops the lock when the process dies (even on
// kill -9), so a crashed run never leaves a stale lock behind.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>

namespace verifysdk::sdk {

class DirectoryLock {
  public:
    // Polls a non-blocking flock every 100 ms until `timeout`. `on_first_wait`
    // (may be empty) runs once when the lock is busy, e.g. to print "waiting".
    // `subject` is what the error message names; by default the destination
    // folder derived from the state layout (<parent>/.verifysdk/<name>/lock).
    // Throws fs_error (exit 8) on timeout or when the file cannot be opened.
    static DirectoryLock acquire(const std::filesystem::path& lock_file,
                                 std::chrono::milliseconds timeout,
                                 std::function<void()> on_first_wait = {},
                                 const std::filesystem::path& subject = {});

    DirectoryLock(DirectoryLock&& other) noexcept;
    DirectoryLock& operator=(DirectoryLock&& other) noexcept;
    DirectoryLock(const DirectoryLock&) = delete;
    DirectoryLock& operator=(const DirectoryLock&) = delete;
    ~DirectoryLock();

    // Releases early; the destructor does nothing afterwards. The lock file
    // itself stays: deleting it would let two processes lock different inodes.
    void release() noexcept;
    bool held() const noexcept { return fd_ >= 0; }

  private:
    explicit DirectoryLock(int fd) noexcept : fd_(fd) {}
    int fd_ = -1;
};

} // namespace verifysdk::sdk
