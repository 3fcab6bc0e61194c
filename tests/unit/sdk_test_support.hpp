// Helpers for the sdk/ unit tests: a temporary folder, small file helpers and
// an archive builder on libarchive's writer, so that malicious archives are
// made by the tests themselves rather than checked in.
#pragma once

#include "error.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace verifysdk::test {

namespace fs = std::filesystem;

class TempDir {
  public:
    TempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
                              "/verifysdk-test-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        // Tests make folders read-only; give write access back before removing.
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(path_, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
            if (it->is_directory(ec) && !it->is_symlink(ec))
                ::chmod(it->path().c_str(), 0700);
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const fs::path& path() const { return path_; }
    fs::path operator/(const fs::path& rel) const { return path_ / rel; }

  private:
    fs::path path_;
};

// The exit code and message of the verifysdk::Error that `f` throws
// (code Ok and an empty message when it throws nothing).
struct Caught {
    ExitCode code = ExitCode::Ok;
    std::string message;
    std::string hint;
};
template <class F> Caught catch_error(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return {e.code(), e.what(), e.details().hint};
    }
    return {};
}

inline void write_file(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
}

inline std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline mode_t mode_of(const fs::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        throw std::runtime_error("lstat failed: " + path.string());
    return st.st_mode & 07777;
}

inline mode_t current_umask() {
    const mode_t mask = ::umask(022);
    ::umask(mask);
    return mask;
}

// Writes zip, tar.gz or tar archives entry by entry. Nothing is sanitised:
// names, links and types are written exactly as given.
class ArchiveBuilder {
  public:
    enum class Format { Zip, TarGz, Tar };

    ArchiveBuilder(const fs::path& file, Format format) : a_(archive_write_new()) {
        switch (format) {
        case Format::Zip:
            archive_write_set_format_zip(a_);
            break;
        case Format::TarGz:
            archive_write_set_format_pax_restricted(a_);
            archive_write_add_filter_gzip(a_);
            break;
        case Format::Tar:
            archive_write_set_format_pax_restricted(a_);
            break;
        }
        if (archive_write_open_filename(a_, file.c_str()) != ARCHIVE_OK)
            throw std::runtime_error(archive_error_string(a_));
    }
    ~ArchiveBuilder() {
        if (a_ != nullptr)
            archive_write_free(a_);
        archive_entry_free(e_);
    }
    ArchiveBuilder(const ArchiveBuilder&) = delete;
    ArchiveBuilder& operator=(const ArchiveBuilder&) = delete;

    ArchiveBuilder& file(const std::string& name, const std::string& data, int perm = 0644) {
        return add(name, AE_IFREG, perm, &data, nullptr, nullptr);
    }
    // A file of `size` zero bytes, written in chunks (zip bombs).
    ArchiveBuilder& zeros(const std::string& name, std::size_t size) {
        archive_entry* e = entry(name, AE_IFREG, 0644);
        archive_entry_set_size(e, static_cast<la_int64_t>(size));
        header(e);
        const std::string chunk(1 << 20, '\0');
        for (std::size_t done = 0; done < size;) {
            const std::size_t n = std::min(chunk.size(), size - done);
            archive_write_data(a_, chunk.data(), n);
            done += n;
        }
        return *this;
    }
    ArchiveBuilder& dir(const std::string& name, int perm = 0755) {
        return add(name, AE_IFDIR, perm, nullptr, nullptr, nullptr);
    }
    ArchiveBuilder& symlink(const std::string& name, const std::string& target) {
        return add(name, AE_IFLNK, 0777, nullptr, &target, nullptr);
    }
    ArchiveBuilder& hardlink(const std::string& name, const std::string& target) {
        return add(name, AE_IFREG, 0644, nullptr, nullptr, &target);
    }
    ArchiveBuilder& special(const std::string& name, unsigned type) {
        return add(name, type, 0644, nullptr, nullptr, nullptr);
    }
    void close() {
        if (archive_write_close(a_) != ARCHIVE_OK)
            throw std::runtime_error(archive_error_string(a_));
        archive_write_free(a_);
        a_ = nullptr;
    }

  private:
    archive_entry* entry(const std::string& name, unsigned type, int perm) {
        archive_entry_clear(e_);
        archive_entry_copy_pathname(e_, name.c_str());
        archive_entry_set_filetype(e_, type);
        archive_entry_set_perm(e_, static_cast<mode_t>(perm));
        archive_entry_set_mtime(e_, 1700000000, 0);
        return e_;
    }
    void header(archive_entry* e) {
        // ARCHIVE_WARN: e.g. a name that is not valid in the locale; written anyway.
        if (archive_write_header(a_, e) < ARCHIVE_WARN)
            throw std::runtime_error(archive_error_string(a_));
    }
    ArchiveBuilder& add(const std::string& name, unsigned type, int perm, const std::string* data,
                        const std::string* link, const std::string* hard) {
        archive_entry* e = entry(name, type, perm);
        if (link != nullptr)
            archive_entry_copy_symlink(e, link->c_str());
        if (hard != nullptr)
            archive_entry_copy_hardlink(e, hard->c_str());
        archive_entry_set_size(e, data != nullptr ? static_cast<la_int64_t>(data->size()) : 0);
        header(e);
        if (data != nullptr && !data->empty())
            archive_write_data(a_, data->data(), data->size());
        return *this;
    }

    archive* a_;
    archive_entry* e_ = archive_entry_new();
};

// Zips written byte by byte (stored data), for what libarchive's writer will
// not produce: NUL bytes or invalid UTF-8 in names, a local name that differs
// from the central one, any Unix type, ZIP64 end records.
struct RawZipEntry {
    std::string name; // central directory name
    std::string data;
    std::optional<std::string> local_name; // when it differs from `name`
    std::uint32_t unix_mode = 0100644;
    std::uint16_t flags = 0; // general purpose bits (0x0800: UTF-8 name)
    std::string extra;       // the same extra fields in both headers
};

inline std::uint32_t crc32_of(const std::string& data) {
    std::uint32_t crc = 0xffffffffu;
    for (unsigned char c : data) {
        crc ^= c;
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

inline void put_le(std::string& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out += static_cast<char>((value >> (8 * i)) & 0xff);
}

// An Info-ZIP Unicode Path extra field (0x7075) holding `name`.
inline std::string unicode_path_extra(const std::string& name) {
    std::string field;
    put_le(field, 0x7075, 2);
    put_le(field, 5 + name.size(), 2);
    field += '\x01';
    put_le(field, 0, 4); // CRC-32 of the main name: not checked by the audit
    return field + name;
}

// With `zip64`, the end record says 0xFFFF / 0xFFFFFFFF and a ZIP64 end
// record and locator carry the real values; each central record then keeps
// its local header offset in a ZIP64 extra field.
inline std::string raw_zip(const std::vector<RawZipEntry>& entries, bool zip64 = false) {
    std::string out;
    std::string central;
    for (const auto& e : entries) {
        const std::string& local = e.local_name ? *e.local_name : e.name;
        const std::uint64_t offset = out.size();
        put_le(out, 0x04034b50, 4);
        put_le(out, 20, 2);
        put_le(out, e.flags, 2);
        put_le(out, 0, 2); // stored
        put_le(out, 0x5021, 4);
        put_le(out, crc32_of(e.data), 4);
        put_le(out, e.data.size(), 4);
        put_le(out, e.data.size(), 4);
        put_le(out, local.size(), 2);
        put_le(out, e.extra.size(), 2);
        out += local + e.extra + e.data;

        std::string extra = e.extra;
        if (zip64) {
            put_le(extra, 0x0001, 2);
            put_le(extra, 8, 2);
            put_le(extra, offset, 8);
        }
        put_le(central, 0x02014b50, 4);
        put_le(central, (3u << 8) | 20, 2);
        put_le(central, 20, 2);
        put_le(central, e.flags, 2);
        put_le(central, 0, 2);
        put_le(central, 0x5021, 4);
        put_le(central, crc32_of(e.data), 4);
        put_le(central, e.data.size(), 4);
        put_le(central, e.data.size(), 4);
        put_le(central, e.name.size(), 2);
        put_le(central, extra.size(), 2);
        put_le(central, 0, 6); // comment length, disk, internal attributes
        put_le(central, static_cast<std::uint64_t>(e.unix_mode) << 16, 4);
        put_le(central, zip64 ? 0xffffffffu : offset, 4);
        central += e.name + extra;
    }
    const std::uint64_t start = out.size();
    out += central;
    if (zip64) {
        const std::uint64_t record = out.size();
        put_le(out, 0x06064b50, 4);
        put_le(out, 44, 8);
        put_le(out, (45u << 8) | 45, 4); // made by, needed
        put_le(out, 0, 8);               // this disk, disk of the directory
        put_le(out, entries.size(), 8);
        put_le(out, entries.size(), 8);
        put_le(out, central.size(), 8);
        put_le(out, start, 8);
        put_le(out, 0x07064b50, 4);
        put_le(out, 0, 4);
        put_le(out, record, 8);
        put_le(out, 1, 4);
    }
    put_le(out, 0x06054b50, 4);
    put_le(out, 0, 4);
    put_le(out, zip64 ? 0xffff : entries.size(), 2);
    put_le(out, zip64 ? 0xffff : entries.size(), 2);
    put_le(out, zip64 ? 0xffffffffu : central.size(), 4);
    put_le(out, zip64 ? 0xffffffffu : start, 4);
    put_le(out, 0, 2);
    return out;
}

// Tar streams written block by block, with correct checksums. `size_field`
// (12 bytes) replaces the octal size of `data`.
inline std::string tar_block(const std::string& name, char type, const std::string& data,
                             const std::string& size_field = "") {
    std::string h(512, '\0');
    h.replace(0, std::min<std::size_t>(name.size(), 100), name.substr(0, 100));
    h.replace(100, 7, "0000644");
    h.replace(108, 7, "0000000");
    h.replace(116, 7, "0000000");
    char size[12];
    std::snprintf(size, sizeof size, "%011llo", static_cast<unsigned long long>(data.size()));
    h.replace(124, 12, size_field.empty() ? std::string(size, 12) : size_field.substr(0, 12));
    h.replace(136, 11, "14544323000");
    h[156] = type;
    h.replace(257, 6, std::string("ustar\0", 6));
    h.replace(263, 2, "00");
    unsigned sum = 0;
    for (std::size_t i = 0; i < 512; ++i)
        sum += i >= 148 && i < 156 ? ' ' : static_cast<unsigned char>(h[i]);
    char check[8];
    std::snprintf(check, sizeof check, "%06o", sum);
    h.replace(148, 7, std::string(check, 6) + '\0');
    std::string padded = data;
    padded.resize((data.size() + 511) / 512 * 512, '\0');
    return h + padded;
}

// A pax extended header ('x') with "LEN key=value\n" records.
inline std::string pax_block(const std::vector<std::pair<std::string, std::string>>& records,
                             char type = 'x') {
    std::string body;
    for (const auto& [key, value] : records) {
        const std::string rest = " " + key + "=" + value + "\n";
        std::size_t length = rest.size() + 1;
        while (std::to_string(length).size() + rest.size() != length)
            ++length;
        body += std::to_string(length) + rest;
    }
    return tar_block("PaxHeaders/entry", type, body);
}

inline std::string tar_end() {
    return std::string(1024, '\0');
}

// `data` gzip-compressed, through libarchive's raw writer.
inline std::string gzip(const std::string& data) {
    archive* a = archive_write_new();
    archive_write_set_format_raw(a);
    archive_write_add_filter_gzip(a);
    std::string out(data.size() + 4096, '\0');
    std::size_t used = 0;
    archive_write_open_memory(a, out.data(), out.size(), &used);
    archive_entry* e = archive_entry_new();
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_write_header(a, e);
    archive_write_data(a, data.data(), data.size());
    archive_write_close(a);
    archive_write_free(a);
    archive_entry_free(e);
    out.resize(used);
    return out;
}

} // namespace verifysdk::test
