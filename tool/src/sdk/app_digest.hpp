// SHA-256 of the built app, remembered between runs: an app of a few hundred
// MiB takes about a second to hash, and a build step that runs on every build
// must cost nothing when the app has not changed.
#pragma once

#include <filesystem>
#include <string>

namespace verifysdk::sdk {

// Returns the lower-case hex SHA-256 of `app_file`. The result is cached in
// `cache_file` (app-digest.json, mode 0600) keyed by absolute path, size,
// mtime in nanoseconds, inode and device; when all match, the app is not read.
// If the file changes while it is hashed, the digest is returned but not
// cached. Failures to read or write the cache are ignored (a cache, nothing
// more). A missing or unreadable app is a local file problem: fs_error
// (exit 8) naming the path, not a usage error, because the path is usually
// computed by the build rather than typed by a person.
std::string app_sha256_cached(const std::filesystem::path& app_file,
                              const std::filesystem::path& cache_file);

} // namespace verifysdk::sdk
