#include "sdk/unsafe_entry.hpp"

#include "error.hpp"
#include "sdk/entry_path.hpp"

namespace verifysdk::sdk {

void refuse_entry(std::string_view entry, const std::string& rule) {
    throw verification_error("unsafe archive: entry \"" + printable_name(entry) + "\" " + rule,
                             "the SDK download was refused; ask the provider for a "
                             "well-formed archive or report it");
}

void check_raw_entry_name(std::string_view name) {
    if (name.find('\0') != std::string_view::npos)
        refuse_entry(name, "contains a NUL byte");
    if (!is_valid_utf8(name))
        refuse_entry(name, "is not valid UTF-8");
}

} // namespace verifysdk::sdk
