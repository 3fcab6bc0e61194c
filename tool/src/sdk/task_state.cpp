#include "sdk/task_state.hpp"

#include "error.hpp"
#include "sdk/private_file.hpp"

#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>
#include <unistd.h>

namespace verifysdk::sdk {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Thrown inside this file only, turned into a warning by read_task_state.
struct Unusable {
    std::string why;
};

const std::string& string_field(const json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end())
        throw Unusable{std::string("field \"") + key + "\" is missing"};
    if (!it->is_string())
        throw Unusable{std::string("field \"") + key + "\" is not a string"};
    return it->get_ref<const std::string&>();
}

TaskState parse(const std::string& text) {
    const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
        throw Unusable{"it is not valid JSON"};
    if (!j.is_object())
        throw Unusable{"it is not a JSON object"};
    const auto version = j.find("format_version");
    if (version == j.end() || !version->is_number_integer())
        throw Unusable{"field \"format_version\" is missing or not an integer"};
    if (version->get<std::int64_t>() != task_state_format_version)
        throw Unusable{"format_version " + version->dump() + " is not supported"};

    TaskState s;
    s.task_id = string_field(j, "task_id");
    if (s.task_id.empty())
        throw Unusable{"field \"task_id\" is empty"};
    s.app_url = string_field(j, "app_url");
    s.app_sha256 = string_field(j, "app_sha256");
    s.platform = string_field(j, "platform");
    s.api_version = string_field(j, "api_version");
    s.endpoint_host = string_field(j, "endpoint_host");
    s.options_digest = string_field(j, "options_digest");
    const auto at = j.find("submitted_at");
    if (at == j.end() || !at->is_number_integer())
        throw Unusable{"field \"submitted_at\" is missing or not an integer"};
    s.submitted_at = at->get<std::int64_t>();
    return s;
}

} // namespace

std::optional<TaskState> read_task_state(const fs::path& path,
                                         const std::function<void(std::string)>& warn) {
    const auto ignore = [&](const std::string& why) -> std::optional<TaskState> {
        if (warn)
            warn("ignoring " + path.string() + ": " + why + "; a new generation will be submitted");
        return std::nullopt;
    };
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int err = errno;
        std::error_code ec;
        if (!fs::exists(fs::symlink_status(path, ec)))
            return std::nullopt;
        return ignore("cannot read it (" + std::generic_category().message(err) + ")");
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        return ignore("cannot read it");
    try {
        return parse(text.str());
    } catch (const Unusable& e) {
        return ignore(e.why);
    }
}

void write_task_state(const fs::path& path, const TaskState& state) {
    const json j = {
        {"format_version", state.format_version},
        {"task_id", state.task_id},
        {"app_url", state.app_url},
        {"app_sha256", state.app_sha256},
        {"platform", state.platform},
        {"api_version", state.api_version},
        {"endpoint_host", state.endpoint_host},
        {"options_digest", state.options_digest},
        {"submitted_at", state.submitted_at},
    };
    write_file_atomically(path, j.dump(2) + "\n", 0600);
}

void remove_task_state(const fs::path& path) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        const int err = errno;
        throw fs_error("cannot remove " + path.string() + ": " +
                       std::generic_category().message(err));
    }
}

bool is_resumable(const TaskState& saved, const TaskState& wanted,
                  std::chrono::system_clock::time_point now) {
    if (saved.task_id.empty() || saved.app_url != wanted.app_url ||
        saved.app_sha256 != wanted.app_sha256 || saved.platform != wanted.platform ||
        saved.api_version != wanted.api_version || saved.endpoint_host != wanted.endpoint_host ||
        saved.options_digest != wanted.options_digest)
        return false;
    // Whole seconds, and no time_point conversion of a hand-edited huge value
    // (which would overflow).
    const std::int64_t now_s =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (saved.submitted_at <= 0 || saved.submitted_at > now_s + 5 * 60)
        return false;
    const auto age = std::chrono::seconds(now_s - saved.submitted_at);
    return age < task_state_max_age;
}

} // namespace verifysdk::sdk
