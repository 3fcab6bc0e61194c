// URL handling on arbitrary text: net::parse_endpoint (libcurl's URL parser
// plus the tool's rules), sdk::strip_query and sdk::redact_url (what reaches
// files and logs), api::redact_request_text (what --verbose and --dry-run
// print of a signed request) and api::percent_encode/percent_decode.
//
// Properties:
// - percent_decode(percent_encode(x)) == x; the encoding uses only
//   A-Z a-z 0-9 - _ . ~ and upper-case %XY; decoding never grows the text;
// - strip_query gives a prefix without '?' or '#'; redact_url also leaves
//   no '@' in the authority and is strip_query when there is no '@';
// - redact_request_text keeps everything up to the query (in a URL), shows
//   Signature/SecurityToken only as REDACTED and an AccessKeyId by at most
//   4 characters, and leaves text without such names or escapes unchanged;
// - parse_endpoint refuses with a usage error (exit 2) only, and what it
//   accepts is http(s), plain http to loopback only, and parses again to
//   the same address.
#include "api/percent_encoding.hpp"
#include "api/redaction.hpp"
#include "error.hpp"
#include "fuzz_support.hpp"
#include "net/endpoint.hpp"
#include "sdk/url_redaction.hpp"

#include <algorithm>

using namespace verifysdk;

namespace {

bool unreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

bool upper_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

void fuzz_percent(const std::string& text) {
    const std::string encoded = api::percent_encode(text);
    FUZZ_CHECK(api::percent_decode(encoded) == text);
    std::size_t reserved = 0;
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        if (encoded[i] == '%') {
            FUZZ_CHECK(i + 2 < encoded.size() && upper_hex(encoded[i + 1]) &&
                       upper_hex(encoded[i + 2]));
            ++reserved;
            i += 2;
        } else {
            FUZZ_CHECK(unreserved(encoded[i]));
        }
    }
    FUZZ_CHECK(encoded.size() == text.size() + 2 * reserved);
    const std::string decoded = api::percent_decode(text);
    FUZZ_CHECK(decoded.size() <= text.size());
    if (text.find('%') == std::string::npos)
        FUZZ_CHECK(decoded == text);
}

void fuzz_url_redaction(const std::string& url) {
    const std::string stripped = sdk::strip_query(url);
    FUZZ_CHECK(url.compare(0, stripped.size(), stripped) == 0);
    FUZZ_CHECK(stripped.find_first_of("?#") == std::string::npos);
    if (url.find_first_of("?#") == std::string::npos)
        FUZZ_CHECK(stripped == url);

    const std::string redacted = sdk::redact_url(url);
    FUZZ_CHECK(redacted.find_first_of("?#") == std::string::npos);
    FUZZ_CHECK(redacted.size() <= stripped.size());
    if (stripped.find('@') == std::string::npos)
        FUZZ_CHECK(redacted == stripped);
    const auto scheme_end = redacted.find("://");
    if (scheme_end != std::string::npos) {
        const auto authority = scheme_end + 3;
        const auto authority_end = redacted.find('/', authority);
        FUZZ_CHECK(redacted.substr(authority, authority_end == std::string::npos
                                                  ? std::string::npos
                                                  : authority_end - authority)
                       .find('@') == std::string::npos);
    }
}

bool is_secret_name(const std::string& name) {
    return name == "Signature" || name == "SecurityToken" || name == "security-token";
}

void fuzz_request_redaction(const std::string& text) {
    const std::string redacted = api::redact_request_text(text);
    // Where the redactor starts reading pairs: after the '?' of a URL.
    const bool is_url = text.find("://") != std::string::npos;
    const auto question = text.find('?');
    if (is_url && question == std::string::npos) {
        FUZZ_CHECK(redacted == text);
        return;
    }
    const std::size_t start = is_url ? question + 1 : 0;
    FUZZ_CHECK(redacted.compare(0, start, text, 0, start) == 0);

    bool sensitive = false;
    for (const char* name :
         {"Signature", "SecurityToken", "security-token", "AccessKeyId", "OSSAccessKeyId"})
        sensitive = sensitive || text.find(name, start) != std::string::npos;
    if (!sensitive && text.find('%', start) == std::string::npos)
        FUZZ_CHECK(redacted == text);

    std::size_t at = start;
    while (at <= redacted.size()) {
        auto end = redacted.find('&', at);
        if (end == std::string::npos)
            end = redacted.size();
        const std::string pair = redacted.substr(at, end - at);
        const auto equals = pair.find('=');
        if (equals != std::string::npos) {
            const std::string name = api::percent_decode(pair.substr(0, equals));
            const std::string value = pair.substr(equals + 1);
            if (is_secret_name(name))
                FUZZ_CHECK(value == "REDACTED");
            if (name == "AccessKeyId" || name == "OSSAccessKeyId")
                FUZZ_CHECK(std::count_if(value.begin(), value.end(),
                                         [](char c) { return c != '*'; }) <= 4);
        }
        at = end + 1;
    }
}

void fuzz_endpoint(const std::string& url) {
    net::Endpoint endpoint;
    try {
        endpoint = net::parse_endpoint(url);
    } catch (const Error& error) {
        FUZZ_CHECK(error.code() == ExitCode::Usage);
        return;
    }
    FUZZ_CHECK(endpoint.scheme == "https" || endpoint.scheme == "http");
    if (endpoint.scheme == "http")
        FUZZ_CHECK(net::is_loopback_host(endpoint.host));
    FUZZ_CHECK(endpoint.base.rfind(endpoint.scheme + "://", 0) == 0);
    FUZZ_CHECK(endpoint.base.find_first_of("?#@") == std::string::npos);
    net::Endpoint again;
    try {
        again = net::parse_endpoint(endpoint.base);
    } catch (const Error& error) {
        std::fprintf(stderr, "accepted %s, then refused its base %s: %s\n", url.c_str(),
                     endpoint.base.c_str(), error.what());
        FUZZ_CHECK(false);
    }
    FUZZ_CHECK(again.base == endpoint.base);
    FUZZ_CHECK(again.host == endpoint.host);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    fuzz_percent(text);
    fuzz_url_redaction(text);
    fuzz_request_redaction(text);
    fuzz_endpoint(text);
    return 0;
}
