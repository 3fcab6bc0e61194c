// Addresses written to files or logs must not carry secrets: signed download
// addresses and app links often hold tokens in the query string or userinfo.
#pragma once

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

// Replaces every occurrence of each secret (as given, and percent-encoded up
// to three times over, as it appears once an address is nested in a signed
// request and echoed in a StringToSign) with "REDACTED". Empty secrets are
// ignored.
std::string scrub_secrets(std::string text, const std::vector<std::string>& secrets);

} // namespace verifysdk::sdk
