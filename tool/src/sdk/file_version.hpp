// Tells one version of a file from the next without reading it: a build that
// rewrites or replaces the file changes its size, its modification time or
// its inode.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <sys/stat.h>

namespace verifysdk::sdk {

struct FileVersion {
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::uint64_t inode = 0;
    std::uint64_t device = 0;
    bool operator==(const FileVersion&) const = default;
};

FileVersion version_of(const struct stat& st);
// nullopt when the file cannot be stat'ed.
std::optional<FileVersion> file_version(const std::filesystem::path& file);

} // namespace verifysdk::sdk
