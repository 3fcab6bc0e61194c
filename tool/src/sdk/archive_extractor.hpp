// Unpacks a downloaded SDK into a fresh staging folder, refusing anything that
// could write outside it, overwrite itself, or exhaust the disk. Nothing is
// ever written outside `staging`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace verifysdk::sdk {

struct ExtractLimits {
    std::size_t max_entries = 10000;
    std::uint64_t max_total_bytes = 2ull << 30; // unpacked, all entries together
    // Per entry: unpacked bytes may not exceed max_ratio x the compressed bytes
    // read for it + ratio_slack. libarchive has no per-entry compressed size
    // for every format, so "compressed bytes" is the growth of
    // archive_filter_bytes(a, -1) (raw bytes consumed from the file) while the
    // entry streams; that includes headers and read granularity, so it errs
    // on the lenient side. The slack keeps small files (and the first block
    // of any file) from ever tripping the rule.
    std::uint64_t max_ratio = 200;
    std::uint64_t ratio_slack = 64 * 1024;
};

struct ExtractResult {
    std::string kind;        // "zip", "tar.gz", "tar" or "file"
    std::size_t entries = 0; // archive entries seen (folders and links included)
    std::uint64_t bytes = 0; // unpacked bytes written
};

// The type comes from the first bytes: zip "PK\3\4" (or an empty zip's
// "PK\5\6"), gzip 1f 8b (a gzip-compressed tar), "ustar" at offset 257 (tar).
// Anything else is installed as is, copied to staging/<fallback_file_name>
// (which must be a plain file name).
//
// `staging` is removed if present and created afresh (0755 minus umask).
// Files get 0644, or 0755 when the archive marks any execute bit; folders
// 0755 whatever the archive says; modification times are not restored (the
// install time tells build systems the files changed). Symlinks are created
// after every file and folder, so nothing is ever written through one.
//
// Refused with verification_error (exit 7), naming the entry and the rule:
// unsafe names (see entry_path.hpp), the same path twice or a file where a
// folder is (also when the file system merges two names, e.g. by case), a
// path through a symlink, symlinks pointing outside, hard links (all of
// them), devices/FIFOs/sockets, more than max_entries entries, more than
// max_total_bytes in total, too high an expansion ratio, and any error
// libarchive reports (truncated, corrupt, bad CRC, encrypted). Before any of
// that, archive_name_audit.hpp reads the archive's own headers and refuses
// names libarchive would cut at a NUL or empty (invalid UTF-8), zip local
// names that differ from the central directory, and zip FIFOs/devices/sockets.
// Disk full / I/O errors are fs_error (exit 8). On any failure `staging` is
// removed (best effort) before the exception propagates.
ExtractResult extract_sdk_archive(const std::filesystem::path& archive,
                                  const std::filesystem::path& staging,
                                  const std::string& fallback_file_name,
                                  const ExtractLimits& limits = {});

} // namespace verifysdk::sdk
