// SHA-256 of a file that is still being written, computed on a second thread
// that reads behind the writer (from the page cache). The download thread
// then only receives and writes, so hashing no longer limits its rate.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

namespace verifysdk::sdk {

class TrailingHasher {
public:
    // Hashes `file` from byte 0; bytes already there count once advance() says so.
    explicit TrailingHasher(const std::filesystem::path& file);
    ~TrailingHasher();
    TrailingHasher(const TrailingHasher&) = delete;
    TrailingHasher& operator=(const TrailingHasher&) = delete;

    // The file now holds `bytes` bytes that will not change.
    void advance(std::uint64_t bytes);
    // Waits until `total` bytes are hashed; returns the lower-case hex digest.
    // Throws Error(FileSystem) when the file could not be read back.
    std::string finish(std::uint64_t total);

private:
    void run();

    std::filesystem::path file_;
    int fd_ = -1;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::uint64_t available_ = 0, hashed_ = 0;
    bool stop_ = false;
    std::string failure_;
    std::string digest_;
    std::thread worker_;
};

} // namespace verifysdk::sdk
