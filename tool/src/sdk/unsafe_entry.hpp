// The one wording of an archive refusal, shared by the extractor and the
// audits of the raw zip and tar structures.
#pragma once

#include <string>
#include <string_view>

namespace verifysdk::sdk {

// Throws verification_error (exit 7): unsafe archive: entry "<name>" <rule>.
[[noreturn]] void refuse_entry(std::string_view entry, const std::string& rule);

// Refuses a name as the archive stores it holding a NUL byte (libarchive
// would cut it there) or bytes that are not UTF-8.
void check_raw_entry_name(std::string_view name);

} // namespace verifysdk::sdk
