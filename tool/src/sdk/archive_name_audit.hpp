// Reads an SDK archive's own structures, before (zip) or beside (tar) the
// extraction by libarchive, to refuse names and types that libarchive would silently change: a NUL byte
// cuts a name short, a failed UTF-8 conversion empties it, and the zip reader
// turns a FIFO into a regular file. Other unpackers see the original, so such
// an archive means different things to different readers.
#pragma once

#include "sdk/archive_extractor.hpp"

#include <atomic>
#include <filesystem>

namespace verifysdk::sdk {

// Refusals are verification_error (exit 7) worded like the extractor's
// (unsafe_entry.hpp). Malformed structures (no end record, offsets outside
// the file, bad checksums, truncation) end an audit quietly: libarchive's
// pass reports the corruption. Memory stays bounded whatever the archive's
// size.

// Zip (zip_name_audit.cpp): every central directory entry and its local header, located the way
// libarchive's seekable reader locates them (EOCD, ZIP64 locator, leading
// junk correction). Refused: a NUL byte or invalid UTF-8 (strict, whatever
// the UTF-8 flag says) in the central name, the local name or an Info-ZIP
// Unicode Path (0x7075); a local name that differs from the central one; a
// Unix mode that is a FIFO, a device or a socket; more central directory
// records than limits.max_entries.
void audit_zip_names(const std::filesystem::path& archive, const ExtractLimits& limits);

// Tar / tar.gz (tar_name_audit.cpp): one streaming pass over the (decompressed) headers. Refused:
// a pax `path`, `linkpath` or `GNU.sparse.name` holding a NUL, a GNU long
// name or link ('L' / 'K') with a NUL before its last non-NUL byte, and a
// file with data whose name ends in '/' (libarchive reads the next header
// from inside that data, other readers skip it). The pass follows
// libarchive's framing (no data for links, devices and folders unless pax
// gives a size; old GNU sparse maps); pax sparse layouts end it quietly.
// Ends quietly, early, once `give_up` is set (the extraction beside it failed).
void audit_tar_names(const std::filesystem::path& archive, bool gzip, const ExtractLimits& limits,
                     const std::atomic<bool>* give_up = nullptr);

} // namespace verifysdk::sdk
