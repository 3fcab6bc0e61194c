#include "sdk/app_digest.hpp"

#include "crypto/digest.hpp"
#include "error.hpp"
#include "sdk/file_version.hpp"
#include "sdk/private_file.hpp"

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <fcntl.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace verifysdk::sdk {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int cache_format_version = 1;
// Several variants (debug/release) of an app may feed one destination; keep
// a few entries, not an ever-growing file.
constexpr std::size_t max_cache_entries = 16;

json read_cache(const fs::path& cache_file) {
    std::ifstream in(cache_file, std::ios::binary);
    if (!in)
        return json::object();
    std::ostringstream text;
    text << in.rdbuf();
    json j = json::parse(text.str(), nullptr, false);
    if (!j.is_object() || j.value("format_version", 0) != cache_format_version ||
        !j.contains("files") || !j["files"].is_object())
        return json::object();
    return j;
}

std::optional<std::string> cached_digest(const json& cache, const std::string& key_path,
                                         const FileVersion& key) {
    if (!cache.contains("files"))
        return std::nullopt;
    const json& files = cache["files"];
    const auto it = files.find(key_path);
    if (it == files.end() || !it->is_object())
        return std::nullopt;
    try {
        const FileVersion stored{
            (*it).at("size").get<std::uint64_t>(), (*it).at("mtime_ns").get<std::int64_t>(),
            (*it).at("inode").get<std::uint64_t>(), (*it).at("device").get<std::uint64_t>()};
        const auto& digest = (*it).at("sha256").get_ref<const std::string&>();
        if (stored == key && digest.size() == 64)
            return digest;
    } catch (const json::exception&) {
        // A damaged entry is just a cache miss.
    }
    return std::nullopt;
}

void store_digest(json cache, const fs::path& cache_file, const std::string& key_path,
                  const FileVersion& key, const std::string& digest) {
    if (!cache.is_object() || !cache.contains("files"))
        cache = {{"format_version", cache_format_version}, {"files", json::object()}};
    json& files = cache["files"];
    files.erase(key_path);
    while (files.size() >= max_cache_entries)
        files.erase(files.begin());
    files[key_path] = {{"size", key.size},
                       {"mtime_ns", key.mtime_ns},
                       {"inode", key.inode},
                       {"device", key.device},
                       {"sha256", digest}};
    try {
        write_file_atomically(cache_file, cache.dump(2) + "\n", 0600);
    } catch (const Error&) {
        // Not fatal: the next run hashes again.
    }
}

[[noreturn]] void throw_unreadable(const fs::path& app_file, const std::string& why) {
    throw fs_error("cannot read the app " + app_file.string() + ": " + why,
                   "build the app first, or pass the path of the built APK/IPA");
}
[[noreturn]] void throw_unreadable(const fs::path& app_file, int err) {
    throw_unreadable(app_file, std::generic_category().message(err));
}

// A file modified in the same clock tick as its last hash could keep size and
// mtime (coarse timestamps on some file systems): do not cache a file whose
// mtime is this recent, hash it again next time instead.
constexpr std::int64_t racy_window_ns = 2'000'000'000;

bool too_recent(const FileVersion& key) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
    return now_ns - key.mtime_ns < racy_window_ns;
}

// Hashes through the descriptor that was stat'ed, so the digest and the key
// describe the same file even if the path is replaced meanwhile.
std::string hash_fd(int fd, const fs::path& app_file) {
    crypto::Sha256 hash;
    std::vector<char> buffer(std::size_t{1} << 20);
    for (;;) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw_unreadable(app_file, errno);
        }
        hash.update(buffer.data(), static_cast<std::size_t>(n));
    }
    return hash.hex_digest();
}

} // namespace

std::string app_sha256_cached(const fs::path& app_file, const fs::path& cache_file) {
    // O_NONBLOCK: a FIFO given by mistake must not hang the build.
    const int raw = ::open(app_file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (raw < 0)
        throw_unreadable(app_file, errno);
    UniqueFd fd(raw);
    struct stat before {};
    if (::fstat(fd.get(), &before) != 0)
        throw_unreadable(app_file, errno);
    if (!S_ISREG(before.st_mode))
        throw_unreadable(app_file, "not a regular file");

    const std::string key_path = fs::absolute(app_file).lexically_normal().string();
    const FileVersion key = version_of(before);
    const json cache = read_cache(cache_file);
    if (auto digest = cached_digest(cache, key_path, key))
        return *digest;

#ifdef POSIX_FADV_SEQUENTIAL
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    const std::string digest = hash_fd(fd.get(), app_file);
    struct stat after {};
    if (::fstat(fd.get(), &after) == 0 && version_of(after) == key && !too_recent(key))
        store_digest(cache, cache_file, key_path, key, digest);
    return digest;
}

} // namespace verifysdk::sdk
