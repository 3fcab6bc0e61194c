// Download progress: a redrawn bar with size, rate and ETA on a terminal,
// a line every 10% in CI logs, nothing with --quiet.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace verifysdk::sdk {

enum class ProgressStyle { None, Lines, Bar };

class ProgressReporter {
public:
    // `what` names the transfer in the lines ("downloading the SDK", "uploading app.apk").
    explicit ProgressReporter(ProgressStyle style, std::string what = "downloading the SDK")
        : style_(style), what_(std::move(what)) {}

    void start(std::uint64_t already, std::uint64_t total); // total 0: unknown
    void advance(std::uint64_t bytes_now);
    void finish();

private:
    void draw(bool final);

    ProgressStyle style_;
    std::string what_;
    std::uint64_t start_bytes_ = 0, total_ = 0, now_ = 0;
    int last_decile_ = -1;
    std::chrono::steady_clock::time_point started_, last_draw_;
};

std::string human_bytes(std::uint64_t bytes);

} // namespace verifysdk::sdk
