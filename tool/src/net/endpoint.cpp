#include "net/endpoint.hpp"

#include "ascii.hpp"
#include "error.hpp"
#include "net/curl_url.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstring>
#include <memory>

namespace verifysdk::net {

bool is_loopback_host(const std::string& raw_host) {
    // Host names compare without case and without a trailing dot; IPv6 comes
    // with or without brackets.
    std::string host = ascii_lower(raw_host);
    if (host.size() > 1 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    while (!host.empty() && host.back() == '.')
        host.pop_back();
    if (host == "localhost" || host.ends_with(".localhost"))
        return true;
    // 127.0.0.0/8, and 0.0.0.0/8, which reaches this machine too.
    const auto local_v4 = [](std::uint32_t address) {
        const std::uint32_t first = address >> 24;
        return first == 127 || first == 0;
    };
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1)
        return local_v4(ntohl(v4.s_addr));
    in6_addr v6{};
    if (inet_pton(AF_INET6, host.c_str(), &v6) != 1)
        return false;
    if (IN6_IS_ADDR_LOOPBACK(&v6) || IN6_IS_ADDR_UNSPECIFIED(&v6))
        return true;
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
        std::uint32_t mapped = 0;
        std::memcpy(&mapped, &v6.s6_addr[12], sizeof mapped);
        return local_v4(ntohl(mapped));
    }
    return false;
}

Endpoint parse_endpoint(const std::string& url) {
    CurlUrl parsed;
    if (!parsed.set(url))
        throw usage_error("--endpoint " + url + " is not a valid address",
                          "use a form such as https://cloudauth.aliyuncs.com");
    Endpoint endpoint;
    endpoint.scheme = parsed.part(CURLUPART_SCHEME);
    endpoint.host = parsed.part(CURLUPART_HOST);
    // A bare address has no use for percent-escapes; libcurl decodes some in
    // the host, keeps others and drops an IPv6 zone id, so such an address
    // would not parse back to itself (found by tests/fuzz/fuzz_url).
    if (url.find('%') != std::string::npos)
        throw usage_error("--endpoint " + url + " is not a valid address",
                          "use a form such as https://cloudauth.aliyuncs.com");
    if (endpoint.scheme != "https" && endpoint.scheme != "http")
        throw usage_error("--endpoint must be an https:// address, not " + endpoint.scheme + "://");
    if (endpoint.scheme == "http" && !is_loopback_host(endpoint.host))
        throw usage_error("--endpoint " + url + " uses plain http to a host that is not loopback",
                          "use https://; plain http is only for local test servers");
    const std::string path = parsed.part(CURLUPART_PATH);
    if (!parsed.part(CURLUPART_USER).empty() || !parsed.part(CURLUPART_PASSWORD).empty() || !parsed.part(CURLUPART_QUERY).empty() ||
        (!path.empty() && path != "/"))
        throw usage_error("--endpoint must be a bare address (scheme, host and port only)");
    const std::string port = parsed.part(CURLUPART_PORT);
    endpoint.port = port;
    endpoint.base = endpoint.scheme + "://" +
                    (endpoint.host.find(':') != std::string::npos && endpoint.host.front() != '['
                         ? "[" + endpoint.host + "]"
                         : endpoint.host) +
                    (port.empty() ? "" : ":" + port);
    return endpoint;
}

std::string download_address_problem(const std::string& url, const Endpoint& api) {
    if (url.size() > 8192)
        return "it is longer than 8 KiB";
    for (unsigned char c : url)
        if (c <= 0x20 || c >= 0x7f)
            return "it contains control, space or non-ASCII characters";
    CurlUrl parsed;
    if (!parsed.set(url))
        return "it is not a valid address";
    const std::string scheme = parsed.part(CURLUPART_SCHEME);
    if (scheme != "https" && !(scheme == "http" && api.scheme == "http"))
        return "it is not an https address";
    const std::string host = parsed.part(CURLUPART_HOST);
    if (is_loopback_host(host) &&
        !(is_loopback_host(api.host) && parsed.part(CURLUPART_PORT) == api.port))
        return "it points at a loopback address that is not the configured endpoint";
    return {};
}

Endpoint endpoint_for_region(const std::string& region) {
    for (char c : region)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            throw usage_error("--region " + region + " is not a region id",
                              "use an id such as cn-hangzhou");
    return parse_endpoint("https://cloudauth." + region + ".aliyuncs.com");
}

} // namespace verifysdk::net
