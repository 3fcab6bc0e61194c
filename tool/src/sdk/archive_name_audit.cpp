#include "sdk/archive_name_audit.hpp"

#include "error.hpp"
#include "sdk/entry_path.hpp"
#include "sdk/private_file.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace verifysdk::sdk {

namespace {

// Same wording and hint as the extractor's refusals.
[[noreturn]] void refuse(std::string_view entry, const std::string& rule) {
    throw verification_error("unsafe archive: entry \"" + printable_name(entry) + "\" " + rule,
                             "the SDK download was refused; ask the provider for a "
                             "well-formed archive or report it");
}

void check_name(std::string_view name) {
    if (name.find('\0') != std::string_view::npos)
        refuse(name, "contains a NUL byte");
    if (!is_valid_utf8(name))
        refuse(name, "is not valid UTF-8");
}

// `mode` is a Unix st_mode as zip's external attributes carry it.
void check_unix_type(std::string_view name, std::uint32_t mode) {
    switch (mode & 0170000u) {
    case 0010000u:
        refuse(name, "is a FIFO");
    case 0020000u:
    case 0060000u:
        refuse(name, "is a device");
    case 0140000u:
        refuse(name, "is a socket");
    default:
        return;
    }
}

std::uint16_t le16(const unsigned char* p) {
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
std::uint32_t le32(const unsigned char* p) {
    return static_cast<std::uint32_t>(le16(p)) | (static_cast<std::uint32_t>(le16(p + 2)) << 16);
}
std::uint64_t le64(const unsigned char* p) {
    return static_cast<std::uint64_t>(le32(p)) | (static_cast<std::uint64_t>(le32(p + 4)) << 32);
}

UniqueFd open_archive(const std::filesystem::path& file) {
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        const int err = errno;
        throw fs_error("cannot read " + file.string() + ": " +
                       std::generic_category().message(err));
    }
    return fd;
}

// ---------------------------------------------------------------- zip ----

constexpr std::uint32_t zip_local_sig = 0x04034b50;
constexpr std::uint32_t zip_central_sig = 0x02014b50;
constexpr std::uint32_t zip_end_sig = 0x06054b50;
constexpr std::uint32_t zip64_end_sig = 0x06064b50;
constexpr std::uint32_t zip64_locator_sig = 0x07064b50;
constexpr unsigned zip_unix = 3; // "version made by" high byte

// Calls f(id, data) for each extra field; false if a field overruns the
// block (libarchive then fails the whole archive).
template <class F> bool for_each_extra(std::string_view extra, F&& f) {
    std::size_t at = 0;
    while (at + 4 <= extra.size()) {
        const auto* p = reinterpret_cast<const unsigned char*>(extra.data() + at);
        const std::uint16_t id = le16(p);
        const std::size_t size = le16(p + 2);
        at += 4;
        if (size > extra.size() - at)
            return false;
        if (!f(id, extra.substr(at, size)))
            return false;
        at += size;
    }
    return true;
}

// Info-ZIP Unicode Path (0x7075): version, CRC-32 of the main name, name.
void check_unicode_path(std::uint16_t id, std::string_view data) {
    if (id == 0x7075 && data.size() >= 5)
        check_name(data.substr(5));
}

// libarchive's "xl" field (0x6c78) may carry "version made by" and the
// external attributes, overriding the header's: the type it declares counts.
void check_xl_field(std::string_view name, std::uint16_t id, std::string_view data,
                    unsigned& system) {
    if (id != 0x6c78 || data.empty())
        return;
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    const unsigned bitmap = p[0];
    std::size_t at = 1;
    for (unsigned last = bitmap; (last & 0x80u) != 0 && at < data.size();)
        last = p[at++];
    if ((bitmap & 1u) != 0) {
        if (data.size() - at < 2)
            return;
        system = le16(p + at) >> 8;
        at += 2;
    }
    if ((bitmap & 2u) != 0) {
        if (data.size() - at < 2)
            return;
        at += 2;
    }
    if ((bitmap & 4u) != 0 && data.size() - at >= 4 && system == zip_unix)
        check_unix_type(name, le32(p + at) >> 16);
}

class ZipAudit {
  public:
    ZipAudit(int fd, std::uint64_t size, const ExtractLimits& limits)
        : fd_(fd), size_(size), limits_(limits) {}

    void run() {
        const auto start = central_directory();
        if (!start)
            return;
        std::uint64_t at = start->first;
        for (std::size_t index = 0;; ++index)
            if (!record(at, start->second, index))
                return;
    }

  private:
    // Reads size bytes at offset; false if any of them lies outside the file.
    bool read_at(std::int64_t offset, void* out, std::size_t size) const {
        if (offset < 0 || static_cast<std::uint64_t>(offset) > size_ ||
            size > size_ - static_cast<std::uint64_t>(offset))
            return false;
        auto* to = static_cast<char*>(out);
        while (size > 0) {
            const ssize_t n = ::pread(fd_, to, size, static_cast<off_t>(offset));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            to += n;
            offset += n;
            size -= static_cast<std::size_t>(n);
        }
        return true;
    }

    bool read_string(std::int64_t offset, std::size_t size, std::string& out) const {
        out.resize(size);
        return read_at(offset, out.data(), size);
    }

    // Where the first central directory record really is, and the
    // correction for data prepended to the archive, found the way
    // libarchive's seekable reader does: the last end record, the ZIP64
    // locator before it, then a forward scan for the first record.
    std::optional<std::pair<std::uint64_t, std::int64_t>> central_directory() const {
        static constexpr std::size_t end_size = 22;
        const std::uint64_t window = std::min<std::uint64_t>(size_, 0xffff + end_size);
        if (window < end_size)
            return std::nullopt;
        std::vector<unsigned char> tail(window);
        const auto window_start = static_cast<std::int64_t>(size_ - window);
        if (!read_at(window_start, tail.data(), tail.size()))
            return std::nullopt;
        std::optional<std::size_t> found;
        for (std::size_t i = window - end_size + 1; i-- > 0;) {
            if (le32(tail.data() + i) == zip_end_sig) {
                found = i;
                break;
            }
        }
        if (!found)
            return std::nullopt;
        const unsigned char* end = tail.data() + *found;
        const std::int64_t end_at = window_start + static_cast<std::int64_t>(*found);

        bool usable = false;
        std::int64_t offset = 0;   // as recorded
        std::int64_t adjusted = 0; // where the search for the first record starts
        const std::uint32_t cd_size = le32(end + 12);
        const std::uint32_t cd_offset = le32(end + 16);
        // libarchive adds the two in 32 bits: so do we, to agree with it.
        if (le16(end + 4) == 0 && le16(end + 6) == 0 && le16(end + 8) == le16(end + 10) &&
            static_cast<std::uint32_t>(cd_offset + cd_size) <= end_at) {
            usable = true;
            offset = cd_offset;
            adjusted = end_at - cd_size;
        }
        // A valid ZIP64 locator wins, whatever the 32-bit fields say.
        std::array<unsigned char, 20> locator{};
        if (end_at >= 20 && read_at(end_at - 20, locator.data(), locator.size()) &&
            le32(locator.data()) == zip64_locator_sig && le32(locator.data() + 4) == 0 &&
            le32(locator.data() + 16) == 1) {
            const std::uint64_t record_at = le64(locator.data() + 8);
            std::array<unsigned char, 56> record{};
            if (record_at <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) &&
                read_at(static_cast<std::int64_t>(record_at), record.data(), record.size())) {
                const std::uint64_t length = le64(record.data() + 4);
                const std::uint64_t cd64 = le64(record.data() + 48);
                if (length >= 44 && length <= 16384 - 12 && record_at + length + 12 <= size_ &&
                    le32(record.data() + 16) == 0 && le32(record.data() + 20) == 0 &&
                    le64(record.data() + 24) == le64(record.data() + 32) &&
                    cd64 <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
                    usable = true;
                    offset = static_cast<std::int64_t>(cd64);
                    adjusted = offset;
                }
            }
        }
        (void)zip64_end_sig; // libarchive does not check it; neither do we
        if (!usable || adjusted < 0)
            return std::nullopt;
        const auto first = first_record_from(static_cast<std::uint64_t>(adjusted));
        if (!first)
            return std::nullopt;
        return std::make_pair(*first, static_cast<std::int64_t>(*first) - offset);
    }

    // The first "PK\1\2", "PK\5\6" or "PK\6\6" at or after `from`.
    std::optional<std::uint64_t> first_record_from(std::uint64_t from) const {
        std::vector<unsigned char> buffer(64 * 1024);
        for (std::uint64_t at = from; at + 4 <= size_;) {
            const std::size_t n =
                static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size_ - at));
            if (!read_at(static_cast<std::int64_t>(at), buffer.data(), n))
                return std::nullopt;
            for (std::size_t i = 0; i + 4 <= n; ++i) {
                const std::uint32_t sig = le32(buffer.data() + i);
                if (sig == zip_central_sig || sig == zip_end_sig || sig == zip64_end_sig)
                    return at + i;
            }
            if (n < 4)
                break;
            at += n - 3; // a signature may straddle two reads
        }
        return std::nullopt;
    }

    // Audits the central record at `at` and its local header, and moves `at`
    // to the next record; false at the end of the directory or on damage.
    bool record(std::uint64_t& at, std::int64_t correction, std::size_t index) const {
        std::array<unsigned char, 46> head{};
        const auto pos = static_cast<std::int64_t>(at);
        if (!read_at(pos, head.data(), 4) || le32(head.data()) != zip_central_sig ||
            !read_at(pos, head.data(), head.size()))
            return false;
        const unsigned char* h = head.data();
        const std::size_t name_size = le16(h + 28);
        const std::size_t extra_size = le16(h + 30);
        const std::size_t comment_size = le16(h + 32);
        std::string name;
        std::string extra;
        if (!read_string(pos + 46, name_size, name) ||
            !read_string(pos + 46 + static_cast<std::int64_t>(name_size), extra_size, extra))
            return false;
        if (index >= limits_.max_entries)
            refuse(name,
                   "exceeds the limit of " + std::to_string(limits_.max_entries) + " entries");

        check_name(name);
        unsigned system = h[5];
        if (system == zip_unix)
            check_unix_type(name, le32(h + 38) >> 16);
        // ZIP64 fields are present only for the 32-bit fields that are all
        // ones; libarchive compares the offset after its correction.
        std::uint64_t sizes[2] = {le32(h + 24), le32(h + 20)};
        std::int64_t local = static_cast<std::int64_t>(le32(h + 42)) + correction;
        bool damaged = false;
        const bool parsed = for_each_extra(extra, [&](std::uint16_t id, std::string_view data) {
            check_unicode_path(id, data);
            check_xl_field(name, id, data, system);
            if (id != 0x0001)
                return true;
            const auto take = [&](std::uint64_t& value) {
                if (data.size() < 8) {
                    damaged = true;
                    return;
                }
                value = le64(reinterpret_cast<const unsigned char*>(data.data()));
                data.remove_prefix(8);
            };
            for (auto& size : sizes)
                if (size == 0xffffffffu && !damaged)
                    take(size);
            if (local == 0xffffffff && !damaged) {
                std::uint64_t value = 0;
                take(value);
                if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                    damaged = true;
                local = static_cast<std::int64_t>(value);
            }
            return !damaged;
        });
        if (!parsed || damaged)
            return false;

        if (!local_header(local, name))
            return false;
        at += 46 + name_size + extra_size + comment_size;
        return true;
    }

    // libarchive takes the name (and may take the type) from here.
    bool local_header(std::int64_t offset, const std::string& central_name) const {
        std::array<unsigned char, 30> head{};
        if (!read_at(offset, head.data(), head.size()) || le32(head.data()) != zip_local_sig)
            return false;
        const std::size_t name_size = le16(head.data() + 26);
        const std::size_t extra_size = le16(head.data() + 28);
        std::string name;
        std::string extra;
        if (!read_string(offset + 30, name_size, name) ||
            !read_string(offset + 30 + static_cast<std::int64_t>(name_size), extra_size, extra))
            return false;
        check_name(name);
        if (name != central_name)
            refuse(central_name, "has a different name in its local header");
        unsigned system = head[5];
        return for_each_extra(extra, [&](std::uint16_t id, std::string_view data) {
            check_unicode_path(id, data);
            check_xl_field(name, id, data, system);
            return true;
        });
    }

    int fd_;
    std::uint64_t size_;
    const ExtractLimits& limits_;
};

void audit_zip(const std::filesystem::path& file, const ExtractLimits& limits) {
    const UniqueFd fd = open_archive(file);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || st.st_size < 0)
        return;
    ZipAudit(fd.get(), static_cast<std::uint64_t>(st.st_size), limits).run();
}

// ---------------------------------------------------------------- tar ----

constexpr std::size_t block = 512;
constexpr std::int64_t max_special_size = 1 << 20; // libarchive's cap for 'x', 'L', ...
constexpr std::int64_t overflow = std::numeric_limits<std::int64_t>::max();

// The decompressed tar stream, read front to back.
class TarStream {
  public:
    TarStream(const std::filesystem::path& file, bool gzip) : fd_(open_archive(file)) {
        if (!gzip)
            return;
        a_.reset(archive_read_new());
        if (!a_)
            throw std::bad_alloc();
        archive_read_support_filter_gzip(a_.get());
        archive_read_support_format_raw(a_.get());
        archive_entry* entry = nullptr;
        ok_ = archive_read_open_fd(a_.get(), fd_.get(), 64 * 1024) == ARCHIVE_OK &&
              archive_read_next_header(a_.get(), &entry) == ARCHIVE_OK;
    }

    // Exactly `size` bytes, or false (end of stream, damage).
    bool read(char* out, std::size_t size) {
        while (ok_ && size > 0) {
            const ssize_t n =
                a_ ? archive_read_data(a_.get(), out, size) : ::read(fd_.get(), out, size);
            if (n < 0 && !a_ && errno == EINTR)
                continue;
            if (n <= 0) {
                ok_ = false;
                break;
            }
            out += n;
            size -= static_cast<std::size_t>(n);
        }
        return ok_;
    }

    bool skip(std::uint64_t size) {
        if (!a_) {
            if (size > static_cast<std::uint64_t>(std::numeric_limits<off_t>::max()) ||
                ::lseek(fd_.get(), static_cast<off_t>(size), SEEK_CUR) < 0)
                ok_ = false;
            return ok_; // past the end, the next read says so
        }
        std::array<char, 64 * 1024> scratch{};
        while (ok_ && size > 0) {
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(size, scratch.size()));
            read(scratch.data(), n);
            size -= n;
        }
        return ok_;
    }

  private:
    struct ArchiveReadFree {
        void operator()(archive* a) const { archive_read_free(a); }
    };
    UniqueFd fd_;
    std::unique_ptr<archive, ArchiveReadFree> a_;
    bool ok_ = true;
};

// A numeric header field: octal, or base-256 when the first byte's high bit
// is set. Negative values, and values past int64 (overflow), are returned
// as such for the caller to stop on.
std::int64_t tar_number(const char* field, std::size_t size) {
    const auto* p = reinterpret_cast<const unsigned char*>(field);
    if ((p[0] & 0x80u) != 0) {
        if ((p[0] & 0x40u) != 0)
            return -1;
        std::uint64_t value = p[0] & 0x3fu;
        for (std::size_t i = 1; i < size; ++i) {
            if (value > (static_cast<std::uint64_t>(overflow) >> 8))
                return overflow;
            value = (value << 8) | p[i];
        }
        return static_cast<std::int64_t>(std::min<std::uint64_t>(value, overflow));
    }
    std::size_t i = 0;
    while (i < size && (field[i] == ' ' || field[i] == '\t'))
        ++i;
    if (i < size && field[i] == '-')
        return -1;
    std::int64_t value = 0;
    for (; i < size && field[i] >= '0' && field[i] <= '7'; ++i) {
        if (value > (overflow >> 3))
            return overflow;
        value = value * 8 + (field[i] - '0');
    }
    return value;
}

// A pax decimal value up to its first NUL, as libarchive reads "size".
std::int64_t pax_number(std::string_view value) {
    value = value.substr(0, value.find('\0'));
    std::size_t i = 0;
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t'))
        ++i;
    if (i < value.size() && value[i] == '-')
        return -1;
    std::int64_t value_so_far = 0;
    for (; i < value.size() && value[i] >= '0' && value[i] <= '9'; ++i) {
        if (value_so_far > (overflow - (value[i] - '0')) / 10)
            return overflow;
        value_so_far = value_so_far * 10 + (value[i] - '0');
    }
    return value_so_far;
}

bool checksum_ok(const char* h) {
    for (std::size_t i = 148; i < 156; ++i)
        if (h[i] != ' ' && h[i] != '\0' && (h[i] < '0' || h[i] > '7'))
            return false;
    const std::int64_t stored = tar_number(h + 148, 8);
    std::int64_t unsigned_sum = 0;
    std::int64_t signed_sum = 0;
    for (std::size_t i = 0; i < block; ++i) {
        const bool in_field = i >= 148 && i < 156;
        unsigned_sum += in_field ? ' ' : static_cast<unsigned char>(h[i]);
        signed_sum += in_field ? ' ' : static_cast<signed char>(h[i]);
    }
    return stored == unsigned_sum || stored == signed_sum; // old tars summed signed bytes
}

// What a pax 'x' header says about the entry that follows it.
struct PaxFacts {
    std::optional<std::int64_t> size;
    std::vector<std::string> names; // path, GNU.sparse.name
    bool sparse = false;
    bool fatal = false; // libarchive fails this entry
};

// Parses "LEN key=value\n" records, stopping where libarchive stops.
PaxFacts parse_pax(std::string_view body) {
    PaxFacts facts;
    while (!body.empty()) {
        std::size_t length = 0;
        std::size_t i = 0;
        for (; i < body.size() && body[i] != ' '; ++i) {
            if (body[i] < '0' || body[i] > '9')
                return facts;
            length = length * 10 + static_cast<std::size_t>(body[i] - '0');
            if (length > 999999)
                return facts;
        }
        ++i; // the space
        if (length < 1 || length > body.size() || body[length - 1] != '\n')
            return facts;
        const std::string_view line = body.substr(0, length - 1);
        body.remove_prefix(length);
        if (i < line.size() && line[i] == '=') {
            facts.fatal = true;
            return facts;
        }
        const std::size_t stop = line.find_first_of(std::string_view("=\0", 2), i);
        if (stop == std::string_view::npos || line[stop] != '=')
            return facts;
        const std::string_view key = line.substr(i, stop - i);
        const std::string_view value = line.substr(stop + 1);
        if (key == "path" || key == "linkpath" || key == "GNU.sparse.name") {
            if (value.find('\0') != std::string_view::npos)
                refuse(value, "contains a NUL byte");
            if (key != "linkpath")
                facts.names.emplace_back(value);
        } else if (key == "size") {
            const std::int64_t size = pax_number(value);
            if (size < 0 || size == overflow) {
                facts.fatal = true;
                return facts;
            }
            facts.size = size;
        } else if ((key.substr(0, 11) == "GNU.sparse." && key != "GNU.sparse.size" &&
                    key != "GNU.sparse.realsize") ||
                   key == "SUN.holesdata") {
            facts.sparse = true;
        }
    }
    return facts;
}

// A GNU long name or link: libarchive keeps the bytes before the first NUL;
// trailing NULs are the usual terminator.
std::string check_long_name(std::string_view body) {
    const std::size_t last = body.find_last_not_of('\0');
    const std::string_view text = last == std::string_view::npos ? "" : body.substr(0, last + 1);
    if (text.find('\0') != std::string_view::npos)
        refuse(text, "contains a NUL byte");
    return std::string(text);
}

std::string field(const char* h, std::size_t at, std::size_t size) {
    const std::string_view text(h + at, size);
    return std::string(text.substr(0, text.find('\0')));
}

// libarchive's consumption of an entry's data follows rules of its own
// (no data for links, devices and folders unless pax says so; old GNU
// sparse maps; a "file" named "x/" is a folder without data): the audit
// follows them so that it reads the same headers libarchive reads.
void audit_tar(const std::filesystem::path& file, bool gzip, const ExtractLimits& limits) {
    TarStream in(file, gzip);
    std::array<char, block> h{};
    std::vector<char> body;
    std::size_t entries = 0;
    PaxFacts pax;
    std::vector<std::string> names;
    int specials = 0;
    while (in.read(h.data(), h.size())) {
        if (std::all_of(h.begin(), h.end(), [](char c) { return c == '\0'; }))
            return; // end of archive
        if (!checksum_ok(h.data()))
            return;
        const char type = h[156];
        std::int64_t size = tar_number(h.data() + 124, 12);
        if (size < 0 || size == overflow)
            return;
        if (type == 'x' || type == 'X' || type == 'g' || type == 'L' || type == 'K' ||
            type == 'A' || type == 'V') {
            if (++specials > 31) // libarchive reads at most 32 headers per entry
                return;
            if (type == 'V') // a volume label: its size is not followed by data
                continue;
            if (size > max_special_size)
                return;
            body.resize(static_cast<std::size_t>((size + 511) & ~std::int64_t{511}));
            if (!in.read(body.data(), body.size()))
                return;
            const std::string_view text(body.data(), static_cast<std::size_t>(size));
            if (type == 'x' || type == 'X') {
                pax = parse_pax(text); // only the last one before the entry counts
                if (pax.fatal)
                    return;
            } else if (type == 'g') {
                if (parse_pax(text).fatal) // not applied by libarchive; checked anyway
                    return;
            } else if (type == 'L') {
                names.push_back(check_long_name(text));
            } else if (type == 'K') {
                check_long_name(text);
            }
            continue;
        }

        // The entry's own header.
        if (++entries > limits.max_entries)
            return; // the extractor refuses at this entry
        if (pax.sparse)
            return; // sparse layouts from pax: not followed, see the report
        const bool gnu = std::memcmp(h.data() + 257, "ustar  \0", 8) == 0;
        const bool ustar = !gnu && std::memcmp(h.data() + 257, "ustar", 5) == 0;
        std::string name = field(h.data(), 0, 100);
        if (ustar) {
            const std::string prefix = field(h.data(), 345, 155);
            if (!prefix.empty())
                name = prefix + (prefix.back() == '/' ? "" : "/") + name;
        }
        names.push_back(name);
        names.insert(names.end(), pax.names.begin(), pax.names.end());
        const bool no_data = type >= '1' && type <= '6';
        if (no_data)
            size = 0;
        if (pax.size)
            size = *pax.size;
        const std::int64_t padding = (block - size % block) % block;
        std::int64_t data = size;
        if (gnu && h[386] != '\0') { // old GNU sparse map: data holds the listed blocks
            std::int64_t listed = 0;
            const auto add = [&](const char* map, int count) {
                for (int k = 0; k < count && map[24 * k] != '\0'; ++k) {
                    const std::int64_t offset = tar_number(map + 24 * k, 12);
                    const std::int64_t bytes = tar_number(map + 24 * k + 12, 12);
                    if (offset < 0 || bytes < 0 || offset > overflow - bytes ||
                        bytes > overflow - listed)
                        return false;
                    listed += bytes;
                }
                return true;
            };
            if (!add(h.data() + 386, 4))
                return;
            for (bool more = h[482] != '\0'; more;) {
                std::array<char, block> ext{};
                if (!in.read(ext.data(), ext.size()) || !add(ext.data(), 21))
                    return;
                more = ext[504] != '\0';
            }
            data = std::min(listed, size);
        }
        const auto folder_name = std::find_if(names.begin(), names.end(), [](const std::string& n) {
            return !n.empty() && n.back() == '/';
        });
        if (!no_data && type != 'D' && folder_name != names.end() && size > 0)
            // libarchive makes it a folder and reads the next header inside
            // the data; other readers skip the data: they disagree.
            refuse(*folder_name, "is a file with data whose name ends in \"/\"");
        if (!in.skip(static_cast<std::uint64_t>(data + padding)))
            return;
        pax = {};
        names.clear();
        specials = 0;
    }
}

} // namespace

void audit_archive_names(const std::filesystem::path& archive, AuditedFormat format,
                         const ExtractLimits& limits) {
    switch (format) {
    case AuditedFormat::Zip:
        audit_zip(archive, limits);
        return;
    case AuditedFormat::TarGz:
    case AuditedFormat::Tar:
        audit_tar(archive, format == AuditedFormat::TarGz, limits);
        return;
    }
}

} // namespace verifysdk::sdk
