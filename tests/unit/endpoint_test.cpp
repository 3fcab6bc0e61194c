// The Cloudauth address: https anywhere, plain http only to a loopback host,
// nothing but scheme, host and port; and the address of a region.
#include "error.hpp"
#include "net/endpoint.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace verifysdk;
using namespace verifysdk::net;

namespace {

// The exit code parse_endpoint throws with (Ok when it accepts the address).
ExitCode refusal_of(const std::string& url) {
    try {
        parse_endpoint(url);
    } catch (const Error& e) {
        return e.code();
    }
    return ExitCode::Ok;
}

ExitCode region_refusal_of(const std::string& region) {
    try {
        endpoint_for_region(region);
    } catch (const Error& e) {
        return e.code();
    }
    return ExitCode::Ok;
}

void expect_endpoint(const std::string& url, const std::string& scheme, const std::string& host,
                     const std::string& base) {
    SCOPED_TRACE(url);
    const Endpoint endpoint = parse_endpoint(url);
    EXPECT_EQ(endpoint.scheme, scheme);
    EXPECT_EQ(endpoint.host, host);
    EXPECT_EQ(endpoint.base, base);
}

} // namespace

TEST(Endpoint, DefaultAddress) {
    expect_endpoint(default_endpoint, "https", "cloudauth.aliyuncs.com",
                    "https://cloudauth.aliyuncs.com");
}

TEST(Endpoint, HttpsWithPortAndTrailingSlash) {
    expect_endpoint("https://cloudauth.aliyuncs.com/", "https", "cloudauth.aliyuncs.com",
                    "https://cloudauth.aliyuncs.com");
    expect_endpoint("https://gateway.example.com:8443", "https", "gateway.example.com",
                    "https://gateway.example.com:8443");
    expect_endpoint("https://10.1.2.3:9443/", "https", "10.1.2.3", "https://10.1.2.3:9443");
}

TEST(Endpoint, PlainHttpToLoopbackHosts) {
    expect_endpoint("http://127.0.0.1:8080", "http", "127.0.0.1", "http://127.0.0.1:8080");
    expect_endpoint("http://127.1.2.3/", "http", "127.1.2.3", "http://127.1.2.3");
    expect_endpoint("http://localhost:9000", "http", "localhost", "http://localhost:9000");
    const Endpoint v6 = parse_endpoint("http://[::1]:9000");
    EXPECT_EQ(v6.scheme, "http");
    EXPECT_EQ(v6.base, "http://[::1]:9000");
}

TEST(Endpoint, PlainHttpToOtherHostsIsAUsageError) {
    for (const char* url : {"http://cloudauth.aliyuncs.com", "http://10.0.0.1:8080",
                            "http://192.168.1.10", "http://[2001:db8::1]:80",
                            "http://localhost.example.com", "http://128.0.0.1"})
        EXPECT_EQ(refusal_of(url), ExitCode::Usage) << url;
}

TEST(Endpoint, PlainHttpToANameThatOnlyStartsWith127IsAUsageError) {
    // "127.0.0.1.nip.io" or "127.attacker.example" are DNS names, not loopback addresses.
    for (const char* url : {"http://127.0.0.1.nip.io", "http://127.attacker.example:8080"})
        EXPECT_EQ(refusal_of(url), ExitCode::Usage) << url;
}

TEST(Endpoint, PathsQueriesAndCredentialsAreUsageErrors) {
    for (const char* url :
         {"https://cloudauth.aliyuncs.com/api", "https://cloudauth.aliyuncs.com/?Action=x",
          "https://cloudauth.aliyuncs.com?a=1", "https://user:pw@cloudauth.aliyuncs.com",
          "https://user@cloudauth.aliyuncs.com", "http://127.0.0.1:8080/prefix/"})
        EXPECT_EQ(refusal_of(url), ExitCode::Usage) << url;
}

TEST(Endpoint, PasswordWithoutUserIsAUsageError) {
    EXPECT_EQ(refusal_of("https://:secret@cloudauth.aliyuncs.com"), ExitCode::Usage);
}

TEST(Endpoint, OtherSchemesAndNonAddressesAreUsageErrors) {
    for (const char* url : {"ftp://cloudauth.aliyuncs.com", "file:///etc/passwd",
                            "cloudauth.aliyuncs.com", "", "not an address", "https://",
                            "//cloudauth.aliyuncs.com"})
        EXPECT_EQ(refusal_of(url), ExitCode::Usage) << "\"" << url << "\"";
}

TEST(Endpoint, LoopbackHostTable) {
    // 0.0.0.0/8 and IPv4-mapped forms reach this machine too; names ignore case
    // and a trailing dot.
    for (const char* host : {"localhost", "127.0.0.1", "127.255.0.9", "::1", "[::1]", "0.0.0.0",
                             "LOCALHOST", "localhost.", "::ffff:127.0.0.1", "[::ffff:127.0.0.2]",
                             "::", "a.localhost"})
        EXPECT_TRUE(is_loopback_host(host)) << host;
    for (const char* host : {"", "example.com", "10.0.0.1", "::2", "localhost.com",
                             "::ffff:10.0.0.1", "128.0.0.1"})
        EXPECT_FALSE(is_loopback_host(host)) << host;
}

TEST(EndpointRegion, RegionMapsToTheRegionalHost) {
    const Endpoint shanghai = endpoint_for_region("cn-shanghai");
    EXPECT_EQ(shanghai.scheme, "https");
    EXPECT_EQ(shanghai.host, "cloudauth.cn-shanghai.aliyuncs.com");
    EXPECT_EQ(shanghai.base, "https://cloudauth.cn-shanghai.aliyuncs.com");
    EXPECT_EQ(endpoint_for_region("ap-southeast-1").base,
              "https://cloudauth.ap-southeast-1.aliyuncs.com");
}

TEST(EndpointRegion, BadRegionIsAUsageError) {
    for (const char* region : {"CN-HANGZHOU", "cn hangzhou", "cn-hangzhou/evil",
                               "cn-hangzhou.evil.com", "evil.com#", "a@b", "cn_hangzhou",
                               "cn-hangzhou?x=1"})
        EXPECT_EQ(region_refusal_of(region), ExitCode::Usage) << region;
}

TEST(DownloadAddress, HttpsAnywhereIsAccepted) {
    const Endpoint api = parse_endpoint("https://cloudauth.aliyuncs.com");
    EXPECT_EQ(download_address_problem("https://bucket.oss-cn-hangzhou.aliyuncs.com/sdk.zip?Expires=1&Signature=x", api), "");
}

TEST(DownloadAddress, PlainHttpOnlyWithAPlainHttpLoopbackApi) {
    EXPECT_NE(download_address_problem("http://cdn.example.com/sdk.zip",
                                       parse_endpoint("https://cloudauth.aliyuncs.com")),
              "");
    EXPECT_EQ(download_address_problem("http://127.0.0.1:8080/sdk/a.zip",
                                       parse_endpoint("http://127.0.0.1:8080")),
              "");
}

TEST(DownloadAddress, LoopbackOtherThanTheEndpointIsRefused) {
    const Endpoint api = parse_endpoint("http://127.0.0.1:8080");
    EXPECT_NE(download_address_problem("http://127.0.0.1:9090/admin", api).find("loopback"),
              std::string::npos);
    EXPECT_NE(download_address_problem("https://localhost/secret", api), "");
    EXPECT_NE(download_address_problem("https://127.0.0.1/x",
                                       parse_endpoint("https://cloudauth.aliyuncs.com")),
              "");
}

TEST(DownloadAddress, OtherSchemesControlCharactersAndGarbageAreRefused) {
    const Endpoint api = parse_endpoint("https://cloudauth.aliyuncs.com");
    const std::vector<std::string> urls = {"file:///etc/passwd", "ftp://x/sdk.zip", "https://x/a b",
                                           "https://x/\x01", "https://x/\xe4\xb8\xad", "not a url",
                                           "https://x/" + std::string(9000, 'a')};
    for (const std::string& url : urls)
        EXPECT_NE(download_address_problem(url, api), "") << url;
}

// Found by tests/fuzz/fuzz_url: libcurl half-decoded the host
// ("%41" became "A", "%zz" stayed), so the accepted base parsed to another
// address; and a zone id ("%25eth0") was dropped without a word.
TEST(Endpoint, PercentEscapesAreUsageErrors) {
    EXPECT_EQ(refusal_of("https://uselocalhos%4%41%zz%4%htr"), ExitCode::Usage);
    EXPECT_EQ(refusal_of("https://cloudauth%2Ealiyuncs.com"), ExitCode::Usage);
    EXPECT_EQ(refusal_of("https://[fe80::1%25eth0]:8443"), ExitCode::Usage);
    EXPECT_EQ(refusal_of("http://127.0.0.1%2e"), ExitCode::Usage);
}
