// Shared helpers of the libFuzzer targets: splitting one input into several
// arguments, a private temporary folder per fuzzing process, and the rule
// that a finding is reported with abort() (libFuzzer then saves the input).
//
// verifysdk::Error is the tool's one error path: a target catches it because
// refusing bad input is the expected outcome. Any other exception escapes to
// libFuzzer, which reports it as a crash ("deadly signal" after
// std::terminate), as do sanitizer reports and failed FUZZ_CHECKs.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>

// A property the code under test must keep; a failure is a finding.
#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__,             \
                         #condition);                                                              \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

namespace verifysdk::fuzz {

namespace fs = std::filesystem;

// Reads the input front to back: a few bytes of parameters, then parts.
class Input {
  public:
    Input(const std::uint8_t* data, std::size_t size)
        : text_(reinterpret_cast<const char*>(data), size) {}

    // One byte (0 once the input is used up).
    std::uint8_t byte() {
        if (text_.empty())
            return 0;
        const auto b = static_cast<std::uint8_t>(text_.front());
        text_.remove_prefix(1);
        return b;
    }

    // A part whose length is the next byte: lets the fuzzer move the
    // boundary without reserving any byte value as a separator.
    std::string_view counted_part() {
        const std::size_t length = std::min<std::size_t>(byte(), text_.size());
        const auto part = text_.substr(0, length);
        text_.remove_prefix(length);
        return part;
    }

    // Everything not read yet.
    std::string_view rest() {
        const auto part = text_;
        text_ = {};
        return part;
    }

  private:
    std::string_view text_;
};

// A folder of this process's own under $TMPDIR. Removed by exit(), but
// libFuzzer ends a timed run with _Exit(), so run_fuzzers.sh points TMPDIR at
// a folder of its own and removes that afterwards.
inline const fs::path& scratch_dir() {
    static const fs::path dir = [] {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
                              "/verifysdk-fuzz-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            std::perror("verifysdk fuzz: mkdtemp");
            std::abort();
        }
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(scratch_dir(), ec);
        });
        return fs::path(pattern);
    }();
    return dir;
}

inline void write_bytes(const fs::path& file, std::string_view bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
        std::fprintf(stderr, "verifysdk fuzz: cannot write %s\n", file.c_str());
        std::abort();
    }
}

} // namespace verifysdk::fuzz
