// Addresses written to files or logs must not carry secrets: signed download
// addresses and app links often hold tokens in the query string or userinfo.
#pragma once

#include "api/redaction.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace verifysdk::sdk {

// Drops everything from the first '?' or '#': "https://h/a.apk?sig=x#f" ->
// "https://h/a.apk". Used for identity (state.json, manifest), so it keeps
// the rest of the address unchanged.
std::string strip_query(std::string_view url);

// For logs: strip_query plus any "user:password@" before the host.
std::string redact_url(std::string_view url);

// Moved to the api layer, where the Cloudauth client scrubs its own output.
using api::scrub_secrets;

} // namespace verifysdk::sdk
