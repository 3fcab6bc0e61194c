#include "sdk/progress_reporter.hpp"

#include <cstdio>

namespace verifysdk::sdk {

std::string human_bytes(std::uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    return text;
}

void ProgressReporter::start(std::uint64_t already, std::uint64_t total) {
    start_bytes_ = now_ = already;
    total_ = total;
    started_ = last_draw_ = std::chrono::steady_clock::now();
    last_decile_ = total_ ? static_cast<int>(10 * already / total_) : -1;
}

void ProgressReporter::advance(std::uint64_t bytes_now) {
    now_ = bytes_now;
    if (style_ == ProgressStyle::None)
        return;
    if (style_ == ProgressStyle::Lines) {
        if (total_ == 0)
            return;
        const int decile = static_cast<int>(10 * now_ / total_);
        if (decile > last_decile_ && decile < 10) {
            last_decile_ = decile;
            std::fprintf(stderr, "verifysdk: %s: %d%% of %s\n", what_.c_str(), decile * 10,
                         human_bytes(total_).c_str());
        }
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ >= std::chrono::milliseconds(200)) {
        last_draw_ = now;
        draw(false);
    }
}

void ProgressReporter::finish() {
    if (style_ == ProgressStyle::Bar)
        draw(true);
}

void ProgressReporter::draw(bool final) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const double rate = seconds > 0 ? static_cast<double>(now_ - start_bytes_) / seconds : 0;
    // "downloading the SDK" -> "downloading" (the bar has no room for the rest)
    std::string line = "\rverifysdk: " + what_.substr(0, what_.find(' ')) + " ";
    if (total_) {
        const int width = 24;
        const int filled = static_cast<int>(width * now_ / total_);
        line += "[" + std::string(static_cast<std::size_t>(filled), '#') +
                std::string(static_cast<std::size_t>(width - filled), ' ') + "] ";
        line += human_bytes(now_) + " / " + human_bytes(total_);
    } else {
        line += human_bytes(now_);
    }
    line += "  " + human_bytes(static_cast<std::uint64_t>(rate)) + "/s";
    if (total_ && rate > 0 && !final) {
        char eta[32];
        std::snprintf(eta, sizeof eta, "  ETA %.0f s", static_cast<double>(total_ - now_) / rate);
        line += eta;
    }
    line += final ? "\n" : "   ";
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
}

} // namespace verifysdk::sdk
