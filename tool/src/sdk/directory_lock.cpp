#include "sdk/directory_lock.hpp"

#include "error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace verifysdk::sdk {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr auto poll_interval = 100ms;

// lock file = <parent>/.verifysdk/<name>/lock  ->  dest = <parent>/<name>
fs::path dest_of(const fs::path& lock_file) {
    const fs::path root = lock_file.parent_path();
    return root.parent_path().parent_path() / root.filename();
}

std::string seconds_text(std::chrono::milliseconds ms) {
    const auto tenths = (ms.count() + 50) / 100;
    std::string text = std::to_string(tenths / 10);
    if (tenths % 10 != 0)
        text += "." + std::to_string(tenths % 10);
    return text;
}

} // namespace

DirectoryLock DirectoryLock::acquire(const fs::path& lock_file, std::chrono::milliseconds timeout,
                                     std::function<void()> on_first_wait, const fs::path& subject) {
    const int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int err = errno;
        throw fs_error("cannot open lock file " + lock_file.string() + ": " +
                           std::generic_category().message(err),
                       "check that " + lock_file.parent_path().string() + " is writable");
    }
    DirectoryLock lock(fd);

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool waited = false;
    for (;;) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0)
            return lock;
        const int err = errno;
        if (err == EINTR)
            continue;
        if (err != EWOULDBLOCK) // e.g. ENOLCK on a file system without locks
            throw fs_error("cannot lock " + lock_file.string() + ": " +
                           std::generic_category().message(err));
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            const fs::path what = subject.empty() ? dest_of(lock_file) : subject;
            throw fs_error("another verifysdk is still working on " + what.string() +
                               " (lock held for more than " + seconds_text(timeout) + " s)",
                           "wait for the other build to finish; the lock is released when "
                           "that process exits (lock file " +
                               lock_file.string() + ")");
        }
        if (!waited) {
            waited = true;
            if (on_first_wait)
                on_first_wait();
        }
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(poll_interval, deadline - now));
    }
}

DirectoryLock::DirectoryLock(DirectoryLock&& other) noexcept : fd_(other.fd_) {
    other.fd_ = -1;
}

DirectoryLock& DirectoryLock::operator=(DirectoryLock&& other) noexcept {
    if (this != &other) {
        release();
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

DirectoryLock::~DirectoryLock() {
    release();
}

void DirectoryLock::release() noexcept {
    if (fd_ < 0)
        return;
    // Closing the last descriptor drops the flock; unlock first anyway in case
    // a forked child inherited the descriptor.
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
    fd_ = -1;
}

} // namespace verifysdk::sdk
