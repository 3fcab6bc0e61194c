// OSS signature V1: OSS's own published example, the canonical x-oss-* headers
// and sub-resources, the signed request on the wire, and presigned GET
// addresses (expected values computed independently with Python's hmac).
#include "oss/oss_signer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

using namespace verifysdk;
using namespace verifysdk::oss;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

const std::string example_id = "44CF9590006BF252F707";
const std::string example_secret = "OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV";
const std::string example_string_to_sign =
    "PUT\nODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=\ntext/html\n"
    "Thu, 17 Nov 2005 18:49:58 GMT\nx-oss-magic:abracadabra\nx-oss-meta-author:foo@bar.com\n"
    "/oss-example/nelson";

std::chrono::system_clock::time_point at(std::int64_t unix_seconds) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds));
}

ObjectLocation region_object(const std::string& bucket, const std::string& key) {
    return {oss_endpoint_for_region("cn-hangzhou"), bucket, key};
}

std::string header_of(const net::HttpRequest& request, const std::string& name) {
    for (const auto& [n, v] : request.headers)
        if (n == name)
            return v;
    return "<absent>";
}

} // namespace

TEST(OssSigner, PublishedExampleStringToSignAndSignature) {
    StringToSignParts parts;
    parts.verb = "PUT";
    parts.content_md5 = "ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=";
    parts.content_type = "text/html";
    parts.date = "Thu, 17 Nov 2005 18:49:58 GMT";
    // As the example sends them: mixed case, unsorted.
    parts.headers = {{"X-OSS-Meta-Author", "foo@bar.com"},
                     {"X-OSS-Magic", "abracadabra"},
                     {"Content-Type", "text/html"}};
    parts.canonical_resource = "/oss-example/nelson";
    EXPECT_EQ(string_to_sign(parts), example_string_to_sign);
    EXPECT_EQ(sign(example_secret, example_string_to_sign), "26NBxoKdsyly4EDv6inkoDft/yA=");
}

TEST(OssSigner, SignedRequestOfThePublishedExample) {
    ObjectRequest request;
    request.method = "PUT";
    request.content_type = "text/html";
    request.content_md5 = "ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=";
    request.oss_headers = {{"X-OSS-Magic", "abracadabra"}, {"X-OSS-Meta-Author", "foo@bar.com"}};
    const auth::Credentials credentials{example_id, example_secret, "", "test"};
    const auto signed_request = sign_object_request(region_object("oss-example", "nelson"), request,
                                                    credentials, at(1132253398));
    EXPECT_EQ(signed_request.method, "PUT");
    EXPECT_EQ(signed_request.url, "https://oss-example.oss-cn-hangzhou.aliyuncs.com/nelson");
    EXPECT_EQ(header_of(signed_request, "Date"), "Thu, 17 Nov 2005 18:49:58 GMT");
    EXPECT_EQ(header_of(signed_request, "Content-Type"), "text/html");
    EXPECT_EQ(header_of(signed_request, "Content-MD5"),
              "ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=");
    EXPECT_EQ(header_of(signed_request, "X-OSS-Magic"), "abracadabra");
    EXPECT_EQ(header_of(signed_request, "Authorization"),
              "OSS 44CF9590006BF252F707:26NBxoKdsyly4EDv6inkoDft/yA=");
}

TEST(OssSigner, CanonicalHeadersAreLowerCaseSortedTrimmedAndOnlyOss) {
    EXPECT_EQ(canonical_oss_headers(
                  {{"x-oss-b", " 2 "}, {"X-Oss-A", "1"}, {"Content-Type", "x"}, {"x-amz-c", "3"}}),
              "x-oss-a:1\nx-oss-b:2\n");
    EXPECT_EQ(canonical_oss_headers({}), "");
}

TEST(OssSigner, SubResourcesAreSortedAndKeptRaw) {
    EXPECT_EQ(canonical_resource(
                  "/b/k", {{"uploadId", "0004B9894A22E5B1888A1E29F823****"}, {"partNumber", "12"}}),
              "/b/k?partNumber=12&uploadId=0004B9894A22E5B1888A1E29F823****");
    EXPECT_EQ(canonical_resource("/b/k", {{"uploads", std::nullopt}}), "/b/k?uploads");
    EXPECT_EQ(canonical_resource("/b/my key", {}), "/b/my key");
}

TEST(OssSigner, MultipartRequestsCarrySubResourcesInUrlAndSignature) {
    const auth::Credentials credentials{"id", "secret", "", "test"};
    ObjectRequest request;
    request.method = "PUT";
    request.sub_resources = {{"partNumber", "3"}, {"uploadId", "a+b/c"}};
    const auto signed_request =
        sign_object_request(region_object("bkt", "dir/app.apk"), request, credentials, at(0));
    EXPECT_EQ(
        signed_request.url,
        "https://bkt.oss-cn-hangzhou.aliyuncs.com/dir/app.apk?partNumber=3&uploadId=a%2Bb%2Fc");
    const std::string expected_signature =
        sign("secret", "PUT\n\n\nThu, 01 Jan 1970 00:00:00 GMT\n/bkt/dir/app.apk?partNumber=3&"
                       "uploadId=a+b/c");
    EXPECT_EQ(header_of(signed_request, "Authorization"), "OSS id:" + expected_signature);
    EXPECT_EQ(header_of(signed_request, "Content-Type"), "<absent>");
    EXPECT_EQ(header_of(signed_request, "Content-MD5"), "<absent>");
}

TEST(OssSigner, BucketListingSignsTheSubResourceButNotThePrefix) {
    const auth::Credentials credentials{"id", "secret", "", "test"};
    ObjectRequest request;
    request.sub_resources = {{"uploads", std::nullopt}};
    request.query = {{"prefix", "dir/app 1.apk"}};
    const auto signed_request =
        sign_object_request(region_object("bkt", ""), request, credentials, at(0));
    EXPECT_EQ(signed_request.url,
              "https://bkt.oss-cn-hangzhou.aliyuncs.com/?uploads&prefix=dir%2Fapp%201.apk");
    EXPECT_EQ(header_of(signed_request, "Authorization"),
              "OSS id:" + sign("secret", "GET\n\n\nThu, 01 Jan 1970 00:00:00 GMT\n/bkt/?uploads"));
}

TEST(OssSigner, StsCredentialsSendAndSignTheSecurityTokenHeader) {
    const auth::Credentials credentials{"STS.id", "secret", "tok/en+1", "test"};
    ObjectRequest request;
    request.method = "HEAD";
    const auto signed_request =
        sign_object_request(region_object("bkt", "a.apk"), request, credentials, at(60));
    EXPECT_EQ(header_of(signed_request, "x-oss-security-token"), "tok/en+1");
    EXPECT_EQ(header_of(signed_request, "Authorization"),
              "OSS STS.id:" + sign("secret", "HEAD\n\n\nThu, 01 Jan 1970 00:01:00 GMT\n"
                                             "x-oss-security-token:tok/en+1\n/bkt/a.apk"));
}

TEST(OssSigner, HttpDateIsRfc1123Gmt) {
    EXPECT_EQ(http_date(at(1132253398)), "Thu, 17 Nov 2005 18:49:58 GMT");
    EXPECT_EQ(http_date(at(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(http_date(at(1709251199)), "Thu, 29 Feb 2024 23:59:59 GMT");
}

TEST(OssPresign, GetAddressWithExpiresAndEncodedSignature) {
    const auth::Credentials credentials{example_id, example_secret, "", "test"};
    EXPECT_EQ(presign_get_url(region_object("oss-example", "nelson"), credentials, 1141889120),
              "https://oss-example.oss-cn-hangzhou.aliyuncs.com/nelson?OSSAccessKeyId=" +
                  example_id + "&Expires=1141889120&Signature=Wb2oiHSdKE943TJjrOdo%2BejwAbY%3D");
}

TEST(OssPresign, StsTokenIsSentAndSignedAsSubResource) {
    const auth::Credentials credentials{example_id, example_secret, "CAIS+tok/en==", "test"};
    EXPECT_EQ(
        presign_get_url(region_object("oss-example", "nelson"), credentials, 1141889120),
        "https://oss-example.oss-cn-hangzhou.aliyuncs.com/nelson?OSSAccessKeyId=" + example_id +
            "&Expires=1141889120&Signature=HZ0IpYb8ghRsnLudYM5dmsL7m54%3D"
            "&security-token=CAIS%2Btok%2Fen%3D%3D");
}

TEST(OssPresign, KeyWithSpacesAndUnicodeIsEncodedInUrlButSignedRaw) {
    const auth::Credentials credentials{example_id, example_secret, "", "test"};
    const std::string url = presign_get_url(
        region_object("my-bucket", "releases/my app \xc3\xbc.apk"), credentials, 1700000000);
    EXPECT_EQ(url, "https://my-bucket.oss-cn-hangzhou.aliyuncs.com/releases/my%20app%20%C3%BC.apk"
                   "?OSSAccessKeyId=" +
                       example_id + "&Expires=1700000000&Signature=8q4YD2LxAZ3RJxv4cNDTQaDu98s%3D");
}

TEST(OssPresign, PathStyleEndpointKeepsItsPrefixOutOfTheSignature) {
    const auth::Credentials credentials{example_id, example_secret, "", "test"};
    const ObjectLocation local{parse_oss_endpoint("http://127.0.0.1:8080/oss"), "oss-example",
                               "nelson"};
    EXPECT_EQ(presign_get_url(local, credentials, 1141889120),
              "http://127.0.0.1:8080/oss/oss-example/nelson?OSSAccessKeyId=" + example_id +
                  "&Expires=1141889120&Signature=Wb2oiHSdKE943TJjrOdo%2BejwAbY%3D");
}

TEST(OssPresign, SecretNeverAppearsInTheAddress) {
    const auth::Credentials credentials{example_id, example_secret, "tok", "test"};
    const std::string url = presign_get_url(region_object("b-1", "k"), credentials, 1);
    EXPECT_THAT(url, Not(HasSubstr(example_secret)));
}
