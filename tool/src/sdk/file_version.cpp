#include "sdk/file_version.hpp"

namespace verifysdk::sdk {

FileVersion version_of(const struct stat& st) {
#ifdef __APPLE__
    const struct timespec& mtime = st.st_mtimespec;
#else
    const struct timespec& mtime = st.st_mtim;
#endif
    return {static_cast<std::uint64_t>(st.st_size),
            static_cast<std::int64_t>(mtime.tv_sec) * 1'000'000'000 +
                static_cast<std::int64_t>(mtime.tv_nsec),
            static_cast<std::uint64_t>(st.st_ino), static_cast<std::uint64_t>(st.st_dev)};
}

std::optional<FileVersion> file_version(const std::filesystem::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0)
        return std::nullopt;
    return version_of(st);
}

} // namespace verifysdk::sdk
