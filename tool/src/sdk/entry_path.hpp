// The naming rules an SDK archive's entries must follow before anything is
// written, shared by the extractor and by the manifest reader (a hand-edited
// manifest must not make `verify` read outside the SDK folder).
#pragma once

#include <string>
#include <string_view>

namespace verifysdk::sdk {

// Checks an entry name and returns it normalised: components joined by '/',
// empty and "." components dropped, a trailing '/' removed. Throws
// verification_error (exit 7) naming the entry and the rule for: an absolute
// path, a ".." component, control characters (bytes < 0x20 and 0x7f),
// invalid UTF-8, or a name that is empty or only "."/"/" once normalised.
// With `allow_root` the last case returns "" instead (a tar's "./" entry).
std::string normalise_entry_path(std::string_view raw, bool allow_root = false);

// A symlink at `link_path` (normalised) may point at `target` only if the
// target stays inside the extraction root without relying on other links:
// relative, non-empty, valid UTF-8 without control characters, and of the
// form "../"* followed by names with no further "..", where the leading ".."
// do not climb above the root from the link's folder. Lexical resolution of
// "a/../.." can be fooled when "a" is itself a link (or, on case-insensitive
// file systems, a name that the disk merges with a link); forbidding ".."
// after a name makes the lexical answer the physical one. Targets such as
// "Versions/Current/Headers" (frameworks) and "../lib/x.so" pass.
// Throws verification_error otherwise.
void check_symlink_target(std::string_view link_path, std::string_view target);

bool is_valid_utf8(std::string_view text);

// An entry name fit for a message: control characters (C0, DEL, C1),
// backslashes and, in text that is not UTF-8, every byte >= 0x80 as \xNN, so
// a hostile name cannot drive the terminal.
std::string printable_name(std::string_view raw);

} // namespace verifysdk::sdk
