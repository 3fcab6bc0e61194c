// <dest>/verifysdk.lock.json: what was installed, from which app and task,
// with every file's size and SHA-256. Written last (an SDK folder with a
// valid manifest is complete), committed with the SDK, and re-checked offline
// by `verifysdk verify`.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace verifysdk::sdk {

inline constexpr std::string_view manifest_file_name = "verifysdk.lock.json";
inline constexpr int manifest_format_version = 1;

struct InstalledFile {
    std::string path; // relative, '/'-separated, normalised
    std::uint64_t size = 0;
    std::string sha256; // lower-case hex; for a symlink: of its target string
    bool operator==(const InstalledFile&) const = default;
};

struct Manifest {
    int format_version = manifest_format_version;
    std::string tool_version;
    std::string api_version;
    std::string endpoint_host;
    std::string app_url; // query string dropped
    std::string app_sha256;
    std::string platform;
    std::string task_id;
    std::string sdk_sha256; // of the downloaded archive
    std::uint64_t sdk_size = 0;
    std::vector<InstalledFile> files; // sorted by path when written
    std::string installed_at;         // RFC 3339, UTC: 2024-05-01T12:00:00Z
    std::string options_digest;
};

// `where` is the SDK folder, or the lock file itself when its name is
// verifysdk.lock.json. Throws verification_error (exit 7) when the file is
// missing, is not JSON, has another format_version, or has been edited into
// an invalid shape (missing/mistyped field, unsafe or duplicate file path,
// malformed SHA-256); fs_error when it exists but cannot be read.
Manifest read_manifest(const std::filesystem::path& where);

// nullopt when the manifest is missing or invalid (a fetch then simply
// reinstalls); fs_error only when it cannot be read at all.
std::optional<Manifest> try_read_manifest(const std::filesystem::path& where);

// Atomic (temp + rename), mode 0644 minus umask: it is committed with the SDK.
// Pretty-printed, 2 spaces, snake_case keys, files sorted by path.
void write_manifest(const std::filesystem::path& dir, const Manifest& manifest);

// Regular files and symlinks under `dir` (links are not followed; a link's
// size and hash are those of its target string), relative '/' paths, sorted,
// without the top-level verifysdk.lock.json. Folders are not listed (an empty
// folder is not checked). Other file types (FIFOs...) are listed with an
// empty sha256 so that verification flags them. Throws fs_error.
std::vector<InstalledFile> scan_files(const std::filesystem::path& dir);

struct VerifyReport {
    std::vector<std::string> added;   // on disk, not in the manifest
    std::vector<std::string> missing; // in the manifest, not on disk
    std::vector<std::string> changed; // different size, content or link target
    bool ok() const { return added.empty() && missing.empty() && changed.empty(); }
};

// Compares `dest` with `manifest`; hashes only files whose size matches.
VerifyReport verify_installed(const std::filesystem::path& dest, const Manifest& manifest);

std::string rfc3339_utc(std::chrono::system_clock::time_point when);

} // namespace verifysdk::sdk
