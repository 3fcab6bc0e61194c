#include "sdk/archive_name_audit.hpp"

#include "error.hpp"
#include "sdk/private_file.hpp"
#include "sdk/unsafe_entry.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace verifysdk::sdk {

namespace {

// `mode` is a Unix st_mode as zip's external attributes carry it.
void check_unix_type(std::string_view name, std::uint32_t mode) {
    switch (mode & 0170000u) {
    case 0010000u:
        refuse_entry(name, "is a FIFO");
    case 0020000u:
    case 0060000u:
        refuse_entry(name, "is a device");
    case 0140000u:
        refuse_entry(name, "is a socket");
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
        check_raw_entry_name(data.substr(5));
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
            refuse_entry(name, "exceeds the limit of " + std::to_string(limits_.max_entries) +
                                   " entries");

        check_raw_entry_name(name);
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
        check_raw_entry_name(name);
        if (name != central_name)
            refuse_entry(central_name, "has a different name in its local header");
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

} // namespace

void audit_zip_names(const std::filesystem::path& file, const ExtractLimits& limits) {
    const UniqueFd fd = open_for_reading(file);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || st.st_size < 0)
        return;
    ZipAudit(fd.get(), static_cast<std::uint64_t>(st.st_size), limits).run();
}

} // namespace verifysdk::sdk
