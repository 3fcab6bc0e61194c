#include "sdk/manifest.hpp"

#include "crypto/digest.hpp"
#include "error.hpp"
#include "sdk/entry_path.hpp"
#include "sdk/private_file.hpp"

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <system_error>

namespace verifysdk::sdk {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

fs::path manifest_path(const fs::path& where) {
    return where.filename() == manifest_file_name ? where : where / manifest_file_name;
}

// Thrown inside this file only: the manifest exists but is unusable.
struct Invalid {
    std::string why;
};

const std::string& text_field(const ordered_json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_string())
        throw Invalid{std::string("field \"") + key + "\" is missing or not a string"};
    return it->get_ref<const std::string&>();
}

std::uint64_t size_field(const ordered_json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number_unsigned())
        throw Invalid{std::string("field \"") + key + "\" is missing or not a size"};
    return it->get<std::uint64_t>();
}

bool is_sha256_hex(std::string_view s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

InstalledFile parse_file(const ordered_json& j) {
    if (!j.is_object())
        throw Invalid{"an entry of \"files\" is not an object"};
    InstalledFile f{text_field(j, "path"), size_field(j, "size"), text_field(j, "sha256")};
    std::string normal;
    try {
        normal = normalise_entry_path(f.path);
    } catch (const Error&) {
        throw Invalid{"file path \"" + printable_name(f.path) + "\" is unsafe"};
    }
    if (normal != f.path || f.path == manifest_file_name)
        throw Invalid{"file path \"" + printable_name(f.path) + "\" is not in normal form"};
    if (!is_sha256_hex(f.sha256))
        throw Invalid{"file \"" + f.path + "\" has a malformed sha256"};
    return f;
}

Manifest parse(const std::string& text) {
    const ordered_json j = ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
        throw Invalid{"it is not a JSON object"};
    const auto version = j.find("format_version");
    if (version == j.end() || !version->is_number_integer())
        throw Invalid{"field \"format_version\" is missing or not an integer"};
    if (version->get<std::int64_t>() != manifest_format_version)
        throw Invalid{"format_version " + version->dump() +
                      " is not supported by this verifysdk (it reads " +
                      std::to_string(manifest_format_version) + ")"};
    Manifest m;
    m.tool_version = text_field(j, "tool_version");
    m.api_version = text_field(j, "api_version");
    m.endpoint_host = text_field(j, "endpoint_host");
    m.app_url = text_field(j, "app_url");
    m.app_sha256 = text_field(j, "app_sha256");
    m.platform = text_field(j, "platform");
    m.task_id = text_field(j, "task_id");
    m.sdk_sha256 = text_field(j, "sdk_sha256");
    m.sdk_size = size_field(j, "sdk_size");
    m.installed_at = text_field(j, "installed_at");
    m.options_digest = text_field(j, "options_digest");
    if (!is_sha256_hex(m.sdk_sha256))
        throw Invalid{"field \"sdk_sha256\" is malformed"};
    const auto files = j.find("files");
    if (files == j.end() || !files->is_array())
        throw Invalid{"field \"files\" is missing or not an array"};
    std::set<std::string> seen;
    for (const auto& entry : *files) {
        m.files.push_back(parse_file(entry));
        if (!seen.insert(m.files.back().path).second)
            throw Invalid{"file \"" + m.files.back().path + "\" is listed twice"};
    }
    std::sort(m.files.begin(), m.files.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    return m;
}

// nullopt when the file does not exist.
std::optional<std::string> read_text(const fs::path& file) {
    std::error_code ec;
    const auto status = fs::symlink_status(file, ec);
    if (!fs::exists(status))
        return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    if (in)
        text << in.rdbuf();
    if (!in || in.bad())
        throw fs_error("cannot read " + file.string());
    return text.str();
}

// What is on disk, before hashing: enough to find added/missing entries and
// size changes cheaply.
struct DiskEntry {
    enum class Type { File, Link, Other } type;
    std::uint64_t size;
    fs::path full;
    std::string link_target;
};

std::map<std::string, DiskEntry> list_disk(const fs::path& dir) {
    std::map<std::string, DiskEntry> out;
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(dir, ec)))
        return out;
    try {
        for (auto it = fs::recursive_directory_iterator(dir);
             it != fs::recursive_directory_iterator(); ++it) {
            const fs::path& full = it->path();
            const std::string rel = full.lexically_relative(dir).generic_string();
            const auto status = it->symlink_status();
            if (fs::is_directory(status))
                continue;
            if (rel == manifest_file_name)
                continue;
            if (fs::is_symlink(status)) {
                std::string target = fs::read_symlink(full).string();
                out.emplace(
                    rel, DiskEntry{DiskEntry::Type::Link, target.size(), full, std::move(target)});
            } else if (fs::is_regular_file(status)) {
                out.emplace(rel, DiskEntry{DiskEntry::Type::File, it->file_size(), full, {}});
            } else {
                out.emplace(rel, DiskEntry{DiskEntry::Type::Other, 0, full, {}});
            }
        }
    } catch (const fs::filesystem_error& e) {
        throw fs_error("cannot list " + dir.string() + ": " + e.code().message());
    }
    return out;
}

std::string hash_of(const DiskEntry& entry) {
    switch (entry.type) {
    case DiskEntry::Type::File:
        return crypto::sha256_file_hex(entry.full);
    case DiskEntry::Type::Link:
        return crypto::sha256_hex(entry.link_target);
    case DiskEntry::Type::Other:
        return {};
    }
    return {};
}

} // namespace

Manifest read_manifest(const fs::path& where) {
    const fs::path file = manifest_path(where);
    const auto text = read_text(file);
    if (!text)
        throw verification_error("no " + std::string(manifest_file_name) + " in " +
                                     file.parent_path().string(),
                                 "run `verifysdk fetch` to install the SDK");
    try {
        return parse(*text);
    } catch (const Invalid& e) {
        throw verification_error(file.string() + " is invalid: " + e.why,
                                 "restore it from version control or run `verifysdk fetch` "
                                 "to reinstall the SDK");
    }
}

std::optional<Manifest> try_read_manifest(const fs::path& where) {
    const auto text = read_text(manifest_path(where));
    if (!text)
        return std::nullopt;
    try {
        return parse(*text);
    } catch (const Invalid&) {
        return std::nullopt;
    }
}

void write_manifest(const fs::path& dir, const Manifest& m) {
    std::vector<InstalledFile> files = m.files;
    std::sort(files.begin(), files.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    ordered_json list = ordered_json::array();
    for (const auto& f : files)
        list.push_back({{"path", f.path}, {"size", f.size}, {"sha256", f.sha256}});
    const ordered_json j = {
        {"format_version", m.format_version},
        {"tool_version", m.tool_version},
        {"api_version", m.api_version},
        {"endpoint_host", m.endpoint_host},
        {"app_url", m.app_url},
        {"app_sha256", m.app_sha256},
        {"platform", m.platform},
        {"task_id", m.task_id},
        {"sdk_sha256", m.sdk_sha256},
        {"sdk_size", m.sdk_size},
        {"installed_at", m.installed_at},
        {"options_digest", m.options_digest},
        {"files", std::move(list)},
    };
    write_file_atomically(dir / manifest_file_name, j.dump(2) + "\n", 0644);
}

std::vector<InstalledFile> scan_files(const fs::path& dir) {
    std::vector<InstalledFile> files;
    for (const auto& [rel, entry] : list_disk(dir)) // std::map: already sorted
        files.push_back({rel, entry.size, hash_of(entry)});
    return files;
}

VerifyReport verify_installed(const fs::path& dest, const Manifest& manifest) {
    const auto disk = list_disk(dest);
    VerifyReport report;
    std::set<std::string> expected;
    for (const auto& f : manifest.files) {
        expected.insert(f.path);
        const auto it = disk.find(f.path);
        if (it == disk.end())
            report.missing.push_back(f.path);
        else if (it->second.size != f.size || hash_of(it->second) != f.sha256)
            report.changed.push_back(f.path);
    }
    for (const auto& [rel, entry] : disk)
        if (!expected.count(rel))
            report.added.push_back(rel);
    std::sort(report.missing.begin(), report.missing.end());
    std::sort(report.changed.begin(), report.changed.end());
    return report;
}

std::string rfc3339_utc(std::chrono::system_clock::time_point when) {
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

} // namespace verifysdk::sdk
