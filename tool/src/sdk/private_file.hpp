// Creating the files the tool owns: exclusively, with explicit modes, and
// atomically (temp file + fsync + rename + fsync of the folder) so that a
// crash leaves either the old or the new content, never a torn file.
#pragma once

#include <filesystem>
#include <string_view>
#include <sys/types.h>

namespace verifysdk::sdk {

// Owns a POSIX file descriptor; closes it on destruction.
class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other)
            reset(other.release());
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    int release() noexcept {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }
    void reset(int fd = -1) noexcept;

  private:
    int fd_ = -1;
};

// Creates `path`, which must not exist yet (O_EXCL, never follows a symlink),
// for writing. `mode` is filtered by the umask as usual. Throws fs_error.
UniqueFd create_new_file(const std::filesystem::path& path, mode_t mode = 0600);

// Opens an existing file for reading. Throws fs_error "cannot read <path>: <why>".
UniqueFd open_for_reading(const std::filesystem::path& path);

// Reads what is there, up to `size` bytes (0 at the end), retrying EINTR.
// Throws fs_error "cannot read <what>: <why>".
std::size_t read_some(int fd, char* data, std::size_t size, const std::filesystem::path& what);

// Writes all of `bytes` to `fd`, retrying short writes and EINTR. Throws
// fs_error naming `what` ("disk full ..." for ENOSPC/EDQUOT).
void write_all(int fd, std::string_view bytes, const std::filesystem::path& what);

// Replaces `path` with `bytes`: a temp file in the same folder (mode `mode`),
// fsync, rename over `path`, fsync of the folder. Readers see the old or the
// new content, never a mix. Throws fs_error; the temp file is removed then.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes,
                           mode_t mode = 0600);

// Flushes a folder's entries (after a rename/create in it). Best effort: some
// file systems refuse fsync on folders, which is not worth failing for.
void fsync_directory(const std::filesystem::path& dir) noexcept;

// Temp files made by write_file_atomically carry this marker in their name, so
// recovery after a crash can recognise and remove them.
inline constexpr std::string_view temp_file_marker = ".verifysdk-tmp-";
bool is_temp_file_name(std::string_view file_name);

} // namespace verifysdk::sdk
