// The Cloudauth address: default, --region, or --endpoint, checked with
// libcurl's URL parser. Plain http is allowed only to a loopback host.
#pragma once

#include <string>

namespace verifysdk::net {

struct Endpoint {
    std::string scheme; // "https" or "http"
    std::string host;   // without port
    std::string port;   // as written, empty for the scheme's default
    std::string base;   // scheme://host[:port] with no trailing slash
};

inline constexpr const char* default_endpoint = "https://cloudauth.aliyuncs.com";

// Throws a usage error (exit 2) for anything that is not an http(s) address,
// http to a non-loopback host, or a path/query/credentials in the address.
Endpoint parse_endpoint(const std::string& url);
Endpoint endpoint_for_region(const std::string& region);

bool is_loopback_host(const std::string& host);

// Why an SDK download address from the service must not be used, or empty
// when it may: not printable or too long, not https (plain http only when the
// API itself is a plain-http loopback server), or a loopback address other
// than the configured endpoint (a hostile answer steering us at local services).
std::string download_address_problem(const std::string& url, const Endpoint& api);

} // namespace verifysdk::net
