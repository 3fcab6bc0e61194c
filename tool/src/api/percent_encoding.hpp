// RFC 3986 percent-encoding as Alibaba's RPC signature requires it.
#pragma once

#include <string>
#include <string_view>

namespace verifysdk::api {

// Keeps A-Z a-z 0-9 - _ . ~ and encodes every other byte as upper-case %XY
// (so space is %20, '*' is %2A, '+' is %2B and UTF-8 is encoded byte by byte).
std::string percent_encode(std::string_view bytes);

// Decodes %XY sequences (and nothing else); malformed escapes stay as they are.
std::string percent_decode(std::string_view text);

} // namespace verifysdk::api
