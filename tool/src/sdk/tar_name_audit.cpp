#include "sdk/archive_name_audit.hpp"

#include "sdk/private_file.hpp"
#include "sdk/unsafe_entry.hpp"

#include <archive.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace verifysdk::sdk {

namespace {

constexpr std::size_t block = 512;
constexpr std::int64_t max_special_size = 1 << 20; // libarchive's cap for 'x', 'L', ...
constexpr std::int64_t overflow = std::numeric_limits<std::int64_t>::max();

// The decompressed tar stream, read front to back.
class TarStream {
  public:
    TarStream(const std::filesystem::path& file, bool gzip, const std::atomic<bool>* give_up)
        : fd_(open_for_reading(file)), give_up_(give_up) {
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
        if (give_up_ != nullptr && give_up_->load())
            ok_ = false;
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
    const std::atomic<bool>* give_up_;
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
                refuse_entry(value, "contains a NUL byte");
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
        refuse_entry(text, "contains a NUL byte");
    return std::string(text);
}

std::string field(const char* h, std::size_t at, std::size_t size) {
    const std::string_view text(h + at, size);
    return std::string(text.substr(0, text.find('\0')));
}

} // namespace

// libarchive's consumption of an entry's data follows rules of its own
// (no data for links, devices and folders unless pax says so; old GNU
// sparse maps; a "file" named "x/" is a folder without data): the audit
// follows them so that it reads the same headers libarchive reads.
void audit_tar_names(const std::filesystem::path& file, bool gzip, const ExtractLimits& limits,
                     const std::atomic<bool>* give_up) {
    TarStream in(file, gzip, give_up);
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
            refuse_entry(*folder_name, "is a file with data whose name ends in \"/\"");
        if (!in.skip(static_cast<std::uint64_t>(data + padding)))
            return;
        pax = {};
        names.clear();
        specials = 0;
    }
}

} // namespace verifysdk::sdk
