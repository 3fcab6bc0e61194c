// state.json: the generation task a fetch submitted, kept until the SDK is
// installed so that an interrupted build resumes polling the same TaskId
// instead of submitting the app again.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace verifysdk::sdk {

struct TaskState {
    int format_version = 1;
    std::string task_id;
    std::string app_url; // without query string (see strip_query)
    std::string app_sha256;
    std::string platform;
    std::string api_version;
    std::string endpoint_host;
    std::string options_digest;
    std::int64_t submitted_at = 0; // Unix time, seconds
};

inline constexpr int task_state_format_version = 1;

// A task older than this is not resumed: the service may have forgotten it.
inline constexpr std::chrono::hours task_state_max_age{24};

// Missing file -> nullopt, silently. A file that cannot be used (unreadable,
// corrupt JSON, missing or mistyped fields, another format_version) is not an
// error: the only cost of ignoring it is one extra submission, whereas
// failing would block every build until someone deletes the file by hand. So
// warn("ignoring <path>: <why>; a new generation will be submitted") is
// called and nullopt returned.
std::optional<TaskState> read_task_state(const std::filesystem::path& path,
                                         const std::function<void(std::string)>& warn);

// Atomic replace, mode 0600. Throws fs_error.
void write_task_state(const std::filesystem::path& path, const TaskState& state);

// No error when the file is already gone. Throws fs_error otherwise.
void remove_task_state(const std::filesystem::path& path);

// True when `saved` was submitted for the same app, platform, API version,
// endpoint and options as `wanted`, less than 24 h before `now` (and not more
// than 5 minutes in the future, which would mean a clock that cannot be
// trusted).
bool is_resumable(const TaskState& saved, const TaskState& wanted,
                  std::chrono::system_clock::time_point now);

} // namespace verifysdk::sdk
