#include "api/percent_encoding.hpp"
#include "api/rpc_signer.hpp"

#include <gtest/gtest.h>

using namespace verifysdk;
using namespace verifysdk::api;

namespace {

// Alibaba's published worked example for signature version 1.
const Parameters published_example = {
    {"AccessKeyId", "testid"},
    {"Action", "DescribeRegions"},
    {"Format", "XML"},
    {"SignatureMethod", "HMAC-SHA1"},
    {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
    {"SignatureVersion", "1.0"},
    {"Timestamp", "2016-02-23T12:46:24Z"},
    {"Version", "2014-05-26"},
};

std::map<std::string, std::string> query_of(const std::string& url) {
    std::map<std::string, std::string> out;
    std::string query = url.substr(url.find('?') + 1);
    size_t start = 0;
    while (start < query.size()) {
        size_t end = query.find('&', start);
        if (end == std::string::npos)
            end = query.size();
        auto pair = query.substr(start, end - start);
        auto eq = pair.find('=');
        out[percent_decode(pair.substr(0, eq))] = percent_decode(pair.substr(eq + 1));
        start = end + 1;
    }
    return out;
}

} // namespace

TEST(PercentEncoding, KeepsUnreservedCharacters) {
    EXPECT_EQ(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
}

TEST(PercentEncoding, EncodesReservedSpaceStarPlusAndSlash) {
    EXPECT_EQ(percent_encode(" "), "%20");
    EXPECT_EQ(percent_encode("*"), "%2A");
    EXPECT_EQ(percent_encode("+"), "%2B");
    EXPECT_EQ(percent_encode("/"), "%2F");
    EXPECT_EQ(percent_encode(":?#[]@!$&'()=,;"), "%3A%3F%23%5B%5D%40%21%24%26%27%28%29%3D%2C%3B");
    EXPECT_EQ(percent_encode("%"), "%25");
}

TEST(PercentEncoding, EncodesMultiByteUtf8ByteByByteInUpperCaseHex) {
    EXPECT_EQ(percent_encode("\xe4\xb8\xad"), "%E4%B8%AD"); // U+4E2D
    EXPECT_EQ(percent_encode("\xc3\xa9"), "%C3%A9");        // é
    EXPECT_EQ(percent_encode(std::string("\x00\x7f", 2)), "%00%7F");
}

TEST(PercentEncoding, DecodeIsTheInverse) {
    const std::string raw = "a b*c+d~e/\xe4\xb8\xad%";
    EXPECT_EQ(percent_decode(percent_encode(raw)), raw);
    EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
}

TEST(RpcSigner, PublishedExampleStringToSign) {
    EXPECT_EQ(string_to_sign("GET", canonical_query(published_example)),
              "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
              "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-"
              "4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z"
              "%26Version%3D2014-05-26");
}

TEST(RpcSigner, PublishedExampleSignature) {
    EXPECT_EQ(rpc_signature("testsecret",
                            string_to_sign("GET", canonical_query(published_example))),
              "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
}

TEST(RpcSigner, SortsByEncodedNameInByteOrder) {
    // Upper case sorts before lower case; '-' (0x2D) before '.' and digits.
    EXPECT_EQ(canonical_query({{"b", "1"}, {"B", "2"}, {"a.b", "3"}, {"a-b", "4"}, {"a", "5"}}),
              "B=2&a=5&a-b=4&a.b=3&b=1");
}

TEST(RpcSigner, CanonicalQueryEncodesValues) {
    EXPECT_EQ(canonical_query({{"AppUrl", "https://x.cn/a b?c=1&d=*~"}}),
              "AppUrl=https%3A%2F%2Fx.cn%2Fa%20b%3Fc%3D1%26d%3D%2A~");
}

TEST(RpcSigner, FormatsUtcTimestamp) {
    const auto when = std::chrono::system_clock::from_time_t(1456231584); // 2016-02-23T12:46:24Z
    EXPECT_EQ(format_timestamp(when), "2016-02-23T12:46:24Z");
}

TEST(RpcSigner, GetRequestCarriesEveryParameterInTheQuery) {
    const auto endpoint = net::parse_endpoint("https://cloudauth.aliyuncs.com");
    RpcCall call{"CreateVerifySDK", "2019-03-07", "JSON", {{"AppUrl", "https://a/b.apk?x=1"}},
                 "GET", false};
    const auto request = sign_rpc_call(endpoint, call, {"id", "secret", "", "test"},
                                       "2026-01-01T00:00:00Z", "nonce-1");
    EXPECT_EQ(request.method, "GET");
    EXPECT_TRUE(request.body.empty());
    auto query = query_of(request.url);
    EXPECT_EQ(query["AppUrl"], "https://a/b.apk?x=1");
    EXPECT_EQ(query["SignatureNonce"], "nonce-1");
    EXPECT_EQ(query.count("SecurityToken"), 0u);

    // Recompute the signature from what was sent.
    const std::string signature = query["Signature"];
    query.erase("Signature");
    Parameters sent(query.begin(), query.end());
    EXPECT_EQ(signature, rpc_signature("secret", string_to_sign("GET", canonical_query(sent))));
}

TEST(RpcSigner, FormBodyParametersAreSignedToo) {
    const auto endpoint = net::parse_endpoint("http://127.0.0.1:8080");
    RpcCall call{"DescribeVerifySDK", "2019-03-07", "XML", {{"TaskId", "abc"}}, "POST", true};
    const auto request = sign_rpc_call(endpoint, call, {"id", "secret", "sts-token", "test"},
                                       "2026-01-01T00:00:00Z", "nonce-2");
    EXPECT_EQ(request.body, "TaskId=abc");
    ASSERT_EQ(request.headers.size(), 1u);
    EXPECT_EQ(request.headers[0].second, "application/x-www-form-urlencoded");
    auto query = query_of(request.url);
    EXPECT_EQ(query.count("TaskId"), 0u);
    EXPECT_EQ(query["SecurityToken"], "sts-token");
    const std::string signature = query["Signature"];
    query.erase("Signature");
    query["TaskId"] = "abc";
    Parameters signed_parameters(query.begin(), query.end());
    EXPECT_EQ(signature,
              rpc_signature("secret", string_to_sign("POST", canonical_query(signed_parameters))));
}
