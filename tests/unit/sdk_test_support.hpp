// Helpers for the sdk/ unit tests: a temporary folder, small file helpers and
// an archive builder on libarchive's writer, so that malicious archives are
// made by the tests themselves rather than checked in.
#pragma once

#include "error.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

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

} // namespace verifysdk::test
