#include "sdk/trailing_hasher.hpp"

#include "crypto/digest.hpp"
#include "error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace verifysdk::sdk {

TrailingHasher::TrailingHasher(const std::filesystem::path& file) : file_(file) {
    fd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0)
        throw fs_error("cannot read back " + file.string() + ": " + std::strerror(errno));
    worker_ = std::thread([this] { run(); });
}

TrailingHasher::~TrailingHasher() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    changed_.notify_all();
    if (worker_.joinable())
        worker_.join();
    ::close(fd_);
}

void TrailingHasher::advance(std::uint64_t bytes) {
    {
        std::lock_guard lock(mutex_);
        available_ = bytes;
    }
    changed_.notify_one();
}

std::string TrailingHasher::finish(std::uint64_t total) {
    advance(total);
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return hashed_ >= total || !failure_.empty(); });
    if (!failure_.empty())
        throw fs_error(failure_);
    stop_ = true;
    changed_.notify_all();
    lock.unlock();
    worker_.join();
    return digest_;
}

void TrailingHasher::run() {
    crypto::Sha256 hash;
    std::vector<char> buffer(std::size_t{1} << 20);
    std::unique_lock lock(mutex_);
    while (true) {
        changed_.wait(lock, [&] { return stop_ || available_ > hashed_; });
        if (available_ <= hashed_) { // stopped with nothing left to read
            digest_ = hash.hex_digest();
            return;
        }
        const std::uint64_t offset = hashed_;
        const std::size_t want = static_cast<std::size_t>(
            std::min<std::uint64_t>(available_ - offset, buffer.size()));
        lock.unlock();
        const ssize_t got = ::pread(fd_, buffer.data(), want, static_cast<off_t>(offset));
        if (got > 0)
            hash.update(buffer.data(), static_cast<std::size_t>(got));
        lock.lock();
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            failure_ = "cannot read back " + file_.string() + ": " +
                       (got == 0 ? std::string("it is shorter than written") : std::strerror(errno));
            changed_.notify_all();
            return;
        }
        hashed_ += static_cast<std::uint64_t>(got);
        changed_.notify_all();
    }
}

} // namespace verifysdk::sdk
