#include "sdk/private_file.hpp"

#include "error.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <system_error>
#include <unistd.h>

namespace verifysdk::sdk {

namespace fs = std::filesystem;

void UniqueFd::reset(int fd) noexcept {
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = fd;
}

namespace {

std::string errno_text(int err) {
    return std::generic_category().message(err);
}

bool is_disk_full(int err) {
#ifdef EDQUOT
    if (err == EDQUOT)
        return true;
#endif
    return err == ENOSPC;
}

// Unique within this process; O_EXCL settles clashes with other processes.
std::string temp_name_for(const fs::path& path) {
    static std::atomic<unsigned> counter{0};
    return "." + path.filename().string() + std::string(temp_file_marker) +
           std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

} // namespace

UniqueFd create_new_file(const fs::path& path, mode_t mode) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        const int err = errno;
        throw fs_error("cannot create " + path.string() + ": " + errno_text(err),
                       "check that the folder exists and is writable");
    }
    return UniqueFd(fd);
}

UniqueFd open_for_reading(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        throw fs_error("cannot read " + path.string() + ": " + errno_text(err));
    }
    return UniqueFd(fd);
}

std::size_t read_some(int fd, char* data, std::size_t size, const fs::path& what) {
    for (;;) {
        const ssize_t n = ::read(fd, data, size);
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno != EINTR) {
            const int err = errno;
            throw fs_error("cannot read " + what.string() + ": " + errno_text(err));
        }
    }
}

void write_all(int fd, std::string_view bytes, const fs::path& what) {
    const char* data = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, left);
        if (n < 0) {
            const int err = errno;
            if (err == EINTR)
                continue;
            if (is_disk_full(err))
                throw fs_error("disk full while writing " + what.string(),
                               "free some disk space and run again");
            throw fs_error("cannot write " + what.string() + ": " + errno_text(err));
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
}

void write_file_atomically(const fs::path& path, std::string_view bytes, mode_t mode) {
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    fs::path temp;
    UniqueFd fd;
    for (int attempt = 0;; ++attempt) {
        temp = dir / temp_name_for(path);
        const int raw =
            ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (raw >= 0) {
            fd.reset(raw);
            break;
        }
        const int err = errno;
        // A leftover of a crashed process that had the same pid: try another name.
        if (err == EEXIST && attempt < 100)
            continue;
        throw fs_error("cannot write " + path.string() + ": " + errno_text(err),
                       "check that " + dir.string() + " exists and is writable");
    }
    try {
        write_all(fd.get(), bytes, path);
        if (::fsync(fd.get()) != 0) {
            const int err = errno;
            throw fs_error("cannot flush " + path.string() + ": " + errno_text(err));
        }
        if (::close(fd.release()) != 0) {
            const int err = errno;
            throw fs_error("cannot write " + path.string() + ": " + errno_text(err));
        }
        if (::rename(temp.c_str(), path.c_str()) != 0) {
            const int err = errno;
            throw fs_error("cannot replace " + path.string() + ": " + errno_text(err));
        }
    } catch (...) {
        ::unlink(temp.c_str());
        throw;
    }
    fsync_directory(dir);
}

void fsync_directory(const fs::path& dir) noexcept {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    ::fsync(fd);
    ::close(fd);
}

bool is_temp_file_name(std::string_view file_name) {
    return !file_name.empty() && file_name.front() == '.' &&
           file_name.find(temp_file_marker) != std::string_view::npos;
}

} // namespace verifysdk::sdk
