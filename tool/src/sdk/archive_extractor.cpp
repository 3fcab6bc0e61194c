#include "sdk/archive_extractor.hpp"

#include "error.hpp"
#include "sdk/archive_name_audit.hpp"
#include "sdk/entry_path.hpp"
#include "sdk/private_file.hpp"
#include "sdk/unsafe_entry.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <limits>
#include <locale.h>
#include <memory>
#include <string_view>
#include <sys/stat.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <utility>
#include <vector>

namespace verifysdk::sdk {

namespace fs = std::filesystem;

namespace {

enum class Kind { Zip, TarGz, Tar, File };

const char* kind_name(Kind kind) {
    switch (kind) {
    case Kind::Zip:
        return "zip";
    case Kind::TarGz:
        return "tar.gz";
    case Kind::Tar:
        return "tar";
    case Kind::File:
        return "file";
    }
    return "file";
}

std::string errno_text(int err) {
    return std::generic_category().message(err);
}

Kind sniff(const fs::path& file) {
    const UniqueFd fd = open_for_reading(file);
    std::array<char, 512> head{};
    std::size_t got = 0;
    while (got < head.size()) {
        const std::size_t n = read_some(fd.get(), head.data() + got, head.size() - got, file);
        if (n == 0)
            break;
        got += n;
    }
    const auto starts = [&](std::string_view magic, std::size_t at = 0) {
        return got >= at + magic.size() &&
               std::string_view(head.data() + at, magic.size()) == magic;
    };
    if (starts("PK\x03\x04") || starts("PK\x05\x06"))
        return Kind::Zip;
    if (starts("\x1f\x8b"))
        return Kind::TarGz;
    if (starts("ustar", 257))
        return Kind::Tar;
    return Kind::File;
}

bool is_disk_full(int err) {
#ifdef EDQUOT
    if (err == EDQUOT)
        return true;
#endif
    return err == ENOSPC || err == EFBIG;
}

[[noreturn]] void write_failed(int err, const std::string& entry, const fs::path& staging) {
    if (is_disk_full(err))
        throw fs_error("disk full while extracting " + entry + " into " + staging.string(),
                       "free some disk space and run again");
    throw fs_error("cannot write " + entry + " into " + staging.string() + ": " + errno_text(err));
}

// libarchive converts entry names to the charset of the current locale. The
// tool never calls setlocale(), so that is ASCII, and a zip name marked UTF-8
// that is not ASCII (any Chinese name) would come back empty. Names are
// bytes to us (UTF-8 is checked by our rules): read them under a UTF-8
// LC_CTYPE, for this thread and this extraction only.
class Utf8Ctype {
  public:
    Utf8Ctype() {
        for (const char* name : {"C.UTF-8", "C.utf8", "en_US.UTF-8"}) {
            utf8_ = ::newlocale(LC_CTYPE_MASK, name, static_cast<locale_t>(0));
            if (utf8_ != static_cast<locale_t>(0)) {
                previous_ = ::uselocale(utf8_);
                return;
            }
        }
    }
    ~Utf8Ctype() {
        if (utf8_ == static_cast<locale_t>(0))
            return;
        ::uselocale(previous_);
        ::freelocale(utf8_);
    }
    Utf8Ctype(const Utf8Ctype&) = delete;
    Utf8Ctype& operator=(const Utf8Ctype&) = delete;

  private:
    locale_t utf8_ = static_cast<locale_t>(0);
    locale_t previous_ = static_cast<locale_t>(0);
};

struct ArchiveReadFree {
    void operator()(archive* a) const { archive_read_free(a); }
};

// Streams one archive into the staging folder. Paths are opened relative to a
// descriptor of the staging folder; every folder on the way was made by us
// and symlinks come last, so no write can be redirected.
class Extractor {
  public:
    Extractor(const fs::path& archive_file, const fs::path& staging, Kind kind,
              const ExtractLimits& limits)
        : archive_file_(archive_file), staging_(staging), limits_(limits), a_(archive_read_new()) {
        if (!a_)
            throw std::bad_alloc();
        // Only the format the magic bytes announced: a zip can't be read as tar.
        if (kind == Kind::Zip) {
            archive_read_support_format_zip_seekable(a_.get()); // central directory wins
        } else {
            archive_read_support_format_tar(a_.get());
            if (kind == Kind::TarGz)
                archive_read_support_filter_gzip(a_.get());
        }
        root_.reset(::open(staging.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!root_) {
            const int err = errno;
            throw fs_error("cannot open " + staging.string() + ": " + errno_text(err));
        }
    }

    // Returns early, leaving staging incomplete, once `stop` is set.
    void run(const std::atomic<bool>* stop = nullptr) {
        if (archive_read_open_filename(a_.get(), archive_file_.c_str(), read_block_size) !=
            ARCHIVE_OK)
            corrupt();
        archive_entry* entry = nullptr;
        for (;;) {
            if (stop != nullptr && stop->load())
                return;
            const int r = archive_read_next_header(a_.get(), &entry);
            if (r == ARCHIVE_EOF)
                break;
            if (r < ARCHIVE_WARN) // warnings (e.g. name charset) are judged by our rules
                corrupt();
            if (++entries_ > limits_.max_entries)
                refuse_entry(name_of(entry), "exceeds the limit of " +
                                                 std::to_string(limits_.max_entries) + " entries");
            // A failed charset conversion (a name marked UTF-8 that is not)
            // leaves the name empty: say so rather than "has an empty name".
            if (r == ARCHIVE_WARN && name_of(entry).empty())
                refuse_entry("", "is not valid UTF-8 (its name could not be read as UTF-8)");
            handle(entry);
        }
        for (const auto& [path, target] : links_)
            make_symlink(path, target);
    }

    std::size_t entries() const { return entries_; }
    std::uint64_t bytes() const { return bytes_; }

  private:
    enum class Node { ImplicitDir, Dir, File, Link };

    static constexpr std::size_t read_block_size = 128 * 1024;

    [[noreturn]] void corrupt() {
        const char* why = archive_error_string(a_.get());
        throw verification_error(
            "the SDK archive " + archive_file_.filename().string() +
                " is corrupt or truncated: " + (why != nullptr ? why : "unknown libarchive error"),
            "download it again; if it keeps failing, report it");
    }

    static std::string name_of(archive_entry* entry) {
        const char* raw = archive_entry_pathname(entry);
        return raw != nullptr ? raw : "";
    }

    void handle(archive_entry* entry) {
        const std::string raw = name_of(entry);
        if (archive_entry_hardlink(entry) != nullptr)
            refuse_entry(raw, "is a hard link (hard links are not accepted)");
        switch (archive_entry_filetype(entry)) {
        case AE_IFDIR: {
            const std::string path = normalise_entry_path(raw, /*allow_root=*/true);
            if (path.empty())
                return; // "./": the staging folder itself
            make_parents(path);
            const auto it = nodes_.find(path);
            if (it != nodes_.end()) {
                if (it->second != Node::ImplicitDir)
                    refuse_entry(raw, it->second == Node::Dir
                                          ? "appears twice in the archive"
                                          : "is a folder where a file already is");
                it->second = Node::Dir;
                return;
            }
            make_dir(path);
            nodes_.emplace(path, Node::Dir);
            return;
        }
        case AE_IFREG: {
            const std::string path = normalise_entry_path(raw);
            make_parents(path);
            claim(path, raw, Node::File);
            write_file(path, entry);
            return;
        }
        case AE_IFLNK: {
            const std::string path = normalise_entry_path(raw);
            const char* raw_target = archive_entry_symlink(entry);
            std::string target = raw_target != nullptr ? raw_target : "";
            check_symlink_target(path, target);
            make_parents(path);
            claim(path, raw, Node::Link);
            links_.emplace_back(path, std::move(target));
            return;
        }
        case AE_IFCHR:
        case AE_IFBLK:
            refuse_entry(raw, "is a device");
        case AE_IFIFO:
            refuse_entry(raw, "is a FIFO");
        case AE_IFSOCK:
            refuse_entry(raw, "is a socket");
        default:
            refuse_entry(raw, "has an unknown type");
        }
    }

    void claim(const std::string& path, const std::string& raw, Node node) {
        const auto [it, fresh] = nodes_.emplace(path, node);
        if (!fresh)
            refuse_entry(raw, it->second == Node::ImplicitDir || it->second == Node::Dir
                                  ? "is a file where the archive has a folder"
                                  : "appears twice in the archive");
    }

    // Creates missing folders of "a/b/c" ("a", "a/b"), refusing a path through
    // a file or a symlink.
    void make_parents(const std::string& path) {
        for (auto slash = path.find('/'); slash != std::string::npos;
             slash = path.find('/', slash + 1)) {
            const std::string parent = path.substr(0, slash);
            const auto [it, fresh] = nodes_.emplace(parent, Node::ImplicitDir);
            if (fresh) {
                make_dir(parent);
            } else if (it->second == Node::File) {
                refuse_entry(path, "is inside \"" + parent + "\", which is a file");
            } else if (it->second == Node::Link) {
                refuse_entry(path, "goes through the symlink \"" + parent + "\"");
            }
        }
    }

    void make_dir(const std::string& path) {
        if (::mkdirat(root_.get(), path.c_str(), 0755) == 0)
            return;
        const int err = errno;
        if (err == EEXIST) // not in our map: the file system merged two names
            refuse_entry(path, "collides with another entry (case-insensitive file system?)");
        write_failed(err, path, staging_);
    }

    void write_file(const std::string& path, archive_entry* entry) {
        const mode_t mode = (archive_entry_perm(entry) & 0111) != 0 ? 0755 : 0644;
        UniqueFd fd(::openat(root_.get(), path.c_str(),
                             O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
        if (!fd) {
            const int err = errno;
            if (err == EEXIST)
                refuse_entry(path, "collides with another entry (case-insensitive file system?)");
            write_failed(err, path, staging_);
        }
        if (archive_entry_size_is_set(entry) && static_cast<std::uint64_t>(archive_entry_size(
                                                    entry)) > limits_.max_total_bytes - bytes_)
            too_big(path);

        const std::int64_t packed_start = archive_filter_bytes(a_.get(), -1);
        std::uint64_t end = 0; // highest offset written: sparse holes count too
        for (;;) {
            const void* block = nullptr;
            std::size_t size = 0;
            la_int64_t offset = 0;
            const int r = archive_read_data_block(a_.get(), &block, &size, &offset);
            if (r == ARCHIVE_EOF)
                break;
            if (r != ARCHIVE_OK) // a warning here is a bad CRC: the data is wrong
                corrupt();
            if (offset < 0)
                corrupt();
            end = std::max(end, static_cast<std::uint64_t>(offset) + size);
            check_growth(path, end, packed_start, size);
            write_at(fd.get(), static_cast<const char*>(block), size, offset, path);
        }
        // A sparse file may end in a hole: give it its declared length.
        if (archive_entry_size_is_set(entry)) {
            const auto declared = static_cast<std::uint64_t>(archive_entry_size(entry));
            if (declared > end) {
                end = declared;
                check_growth(path, end, packed_start, 0);
                if (::ftruncate(fd.get(), static_cast<off_t>(end)) != 0)
                    write_failed(errno, path, staging_);
            }
        }
        if (::close(fd.release()) != 0) // NFS reports a full disk only here
            write_failed(errno, path, staging_);
        bytes_ += end;
    }

    [[noreturn]] void too_big(const std::string& path) {
        refuse_entry(path, "makes the archive unpack to more than " +
                               std::to_string(limits_.max_total_bytes) + " bytes");
    }

    // `block` is the size of the block just returned: readers of uncompressed
    // data (tar) count it as consumed only on the next read, so it is allowed
    // on top; a bomb still trips one block later.
    void check_growth(const std::string& path, std::uint64_t end, std::int64_t packed_start,
                      std::uint64_t block) {
        if (end > limits_.max_total_bytes - bytes_)
            too_big(path);
        const std::int64_t now = archive_filter_bytes(a_.get(), -1);
        const auto packed =
            static_cast<std::uint64_t>(std::max<std::int64_t>(now - packed_start, 0));
        // Saturating: a caller may pass a huge max_ratio to switch the rule off.
        const std::uint64_t cap = std::numeric_limits<std::uint64_t>::max();
        const std::uint64_t allowed =
            packed != 0 && limits_.max_ratio > cap / packed ? cap : packed * limits_.max_ratio;
        if (end > allowed && end - allowed > limits_.ratio_slack + block)
            refuse_entry(path, "expands more than " + std::to_string(limits_.max_ratio) +
                                   " times its compressed size (zip bomb?)");
    }

    void write_at(int fd, const char* data, std::size_t size, la_int64_t offset,
                  const std::string& path) {
        auto at = static_cast<off_t>(offset);
        while (size > 0) {
            const ssize_t n = ::pwrite(fd, data, size, at);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                write_failed(errno, path, staging_);
            }
            data += n;
            at += n;
            size -= static_cast<std::size_t>(n);
        }
    }

    void make_symlink(const std::string& path, const std::string& target) {
        if (::symlinkat(target.c_str(), root_.get(), path.c_str()) == 0)
            return;
        const int err = errno;
        if (err == EEXIST)
            refuse_entry(path, "collides with another entry (case-insensitive file system?)");
        write_failed(err, path, staging_);
    }

    fs::path archive_file_;
    fs::path staging_;
    ExtractLimits limits_;
    std::unique_ptr<archive, ArchiveReadFree> a_;
    UniqueFd root_;
    std::unordered_map<std::string, Node> nodes_;
    std::vector<std::pair<std::string, std::string>> links_;
    std::size_t entries_ = 0;
    std::uint64_t bytes_ = 0;
};

// The tar audit needs a pass of its own over the decompressed stream: it runs
// on a second thread beside the extraction (which writes only into staging),
// so that a tar.gz is not inflated twice in a row. Its refusal wins.
void extract_beside_tar_audit(Extractor& extractor, const fs::path& archive_file, bool gzip,
                              const ExtractLimits& limits) {
    std::atomic<bool> refused{false}, extraction_failed{false};
    std::exception_ptr refusal, failure;
    std::thread audit([&] {
        try {
            audit_tar_names(archive_file, gzip, limits, &extraction_failed);
        } catch (...) {
            refusal = std::current_exception();
            refused = true;
        }
    });
    try {
        extractor.run(&refused);
    } catch (...) {
        failure = std::current_exception();
        extraction_failed = true;
    }
    audit.join();
    if (refusal)
        std::rethrow_exception(refusal);
    if (failure)
        std::rethrow_exception(failure);
}

void fresh_staging(const fs::path& staging) {
    std::error_code ec;
    fs::remove_all(staging, ec);
    if (ec)
        throw fs_error("cannot clear " + staging.string() + ": " + ec.message());
    if (::mkdir(staging.c_str(), 0755) != 0) {
        const int err = errno;
        throw fs_error("cannot create " + staging.string() + ": " + errno_text(err),
                       "check that " + staging.parent_path().string() + " is writable");
    }
}

std::uint64_t copy_plain_file(const fs::path& from, const fs::path& staging,
                              const std::string& name) {
    if (name.find('/') != std::string::npos || normalise_entry_path(name) != name)
        refuse_entry(name, "is not a plain file name");
    const UniqueFd in = open_for_reading(from);
    const fs::path to = staging / name;
    UniqueFd out = create_new_file(to, 0644);
    std::vector<char> buffer(std::size_t{1} << 20);
    std::uint64_t total = 0;
    while (const std::size_t n = read_some(in.get(), buffer.data(), buffer.size(), from)) {
        write_all(out.get(), {buffer.data(), n}, to);
        total += n;
    }
    if (::close(out.release()) != 0)
        write_failed(errno, name, staging);
    return total;
}

} // namespace

ExtractResult extract_sdk_archive(const fs::path& archive_file, const fs::path& staging,
                                  const std::string& fallback_file_name,
                                  const ExtractLimits& limits) {
    const Kind kind = sniff(archive_file);
    fresh_staging(staging);
    try {
        ExtractResult result;
        result.kind = kind_name(kind);
        if (kind == Kind::File) {
            result.bytes = copy_plain_file(archive_file, staging, fallback_file_name);
            result.entries = 1;
            return result;
        }
        const Utf8Ctype utf8;
        Extractor extractor(archive_file, staging, kind, limits);
        // Names libarchive would cut or empty, read from the archive itself.
        if (kind == Kind::Zip) {
            audit_zip_names(archive_file, limits);
            extractor.run();
        } else {
            extract_beside_tar_audit(extractor, archive_file, kind == Kind::TarGz, limits);
        }
        result.entries = extractor.entries();
        result.bytes = extractor.bytes();
        return result;
    } catch (...) {
        std::error_code ec;
        fs::remove_all(staging, ec);
        throw;
    }
}

} // namespace verifysdk::sdk
