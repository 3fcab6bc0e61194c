// oss://bucket/prefix/ parsing, object keys, endpoints from --oss-region and
// --oss-endpoint, and the object URLs and canonical resources they give.
#include "oss/oss_location.hpp"

#include "error.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace verifysdk;
using namespace verifysdk::oss;

namespace {

ExitCode code_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    }
    return ExitCode::Ok;
}

} // namespace

TEST(OssUri, BucketAndPrefix) {
    auto where = parse_oss_uri("oss://my-bucket/releases/");
    EXPECT_EQ(where.bucket, "my-bucket");
    EXPECT_EQ(where.prefix, "releases/");
    where = parse_oss_uri("oss://my-bucket/a/b/");
    EXPECT_EQ(where.prefix, "a/b/");
}

TEST(OssUri, NoPrefixAndPrefixWithoutSlash) {
    EXPECT_EQ(parse_oss_uri("oss://my-bucket").prefix, "");
    EXPECT_EQ(parse_oss_uri("oss://my-bucket/").prefix, "");
    EXPECT_EQ(parse_oss_uri("oss://my-bucket/releases").prefix, "releases/");
}

TEST(OssUri, RejectsWhatIsNotAnOssAddress) {
    for (const std::string& bad : std::vector<std::string>{
             "s3://my-bucket/x/", "https://my-bucket.oss-cn-hangzhou.aliyuncs.com/", "oss://",
             "oss://ab/", "oss://My-Bucket/", "oss://-bucket/", "oss://bucket-/", "oss://b_ucket/",
             "oss://bucket//x/", "oss://bucket/x?y/", std::string("oss://bucket/a\x01/")})
        EXPECT_EQ(code_of([&] { parse_oss_uri(bad); }), ExitCode::Usage) << bad;
}

TEST(OssBucket, NameRules) {
    EXPECT_TRUE(is_valid_bucket_name("abc"));
    EXPECT_TRUE(is_valid_bucket_name("my-bucket-01"));
    EXPECT_TRUE(is_valid_bucket_name(std::string(63, 'a')));
    EXPECT_FALSE(is_valid_bucket_name(std::string(64, 'a')));
    EXPECT_FALSE(is_valid_bucket_name("ab"));
    EXPECT_FALSE(is_valid_bucket_name("a.b.c"));
}

TEST(OssKey, PrefixPlusFileNameOrUploadKey) {
    const BucketPrefix where{"b-1", "releases/"};
    EXPECT_EQ(object_key_for(where, "", "build/outputs/apk/release/app-release.apk"),
              "releases/app-release.apk");
    EXPECT_EQ(object_key_for(where, "custom/name.apk", "build/app.apk"), "custom/name.apk");
    EXPECT_EQ(object_key_for({"b-1", ""}, "", "app.apk"), "app.apk");
}

TEST(OssKey, InvalidKeysAreUsageErrors) {
    const BucketPrefix where{"b-1", ""};
    EXPECT_EQ(code_of([&] { object_key_for(where, "/abs.apk", "a.apk"); }), ExitCode::Usage);
    EXPECT_EQ(code_of([&] { object_key_for(where, "\\win.apk", "a.apk"); }), ExitCode::Usage);
    EXPECT_EQ(code_of([&] { object_key_for(where, std::string(1024, 'k'), "a.apk"); }),
              ExitCode::Usage);
    EXPECT_EQ(code_of([&] { object_key_for(where, "bad\xff.apk", "a.apk"); }), ExitCode::Usage);
    EXPECT_EQ(code_of([&] { object_key_for(where, "nl\n.apk", "a.apk"); }), ExitCode::Usage);
    EXPECT_TRUE(is_valid_object_key("dir/\xe4\xb8\xad\xe6\x96\x87 name.apk")); // CJK + space
    EXPECT_FALSE(is_valid_object_key("\xc0\xaf"));                             // overlong '/'
    EXPECT_FALSE(is_valid_object_key("\xed\xa0\x80"));                         // surrogate
    EXPECT_FALSE(is_valid_object_key("\xe4\xb8"));                             // truncated
}

TEST(OssEndpoint, RegionGivesVirtualHostedHttps) {
    const ObjectLocation object{oss_endpoint_for_region("cn-hangzhou"), "my-bucket",
                                "releases/app-release.apk"};
    EXPECT_EQ(object.url(),
              "https://my-bucket.oss-cn-hangzhou.aliyuncs.com/releases/app-release.apk");
    EXPECT_EQ(object.canonical_resource(), "/my-bucket/releases/app-release.apk");
    EXPECT_EQ(object.display(), "oss://my-bucket/releases/app-release.apk");
    EXPECT_EQ(object.endpoint_display(), "oss-cn-hangzhou.aliyuncs.com");
    EXPECT_EQ(code_of([] { oss_endpoint_for_region("cn hangzhou"); }), ExitCode::Usage);
    EXPECT_EQ(code_of([] { oss_endpoint_for_region("evil.com/x"); }), ExitCode::Usage);
    EXPECT_EQ(code_of([] { oss_endpoint_for_region(""); }), ExitCode::Usage);
}

TEST(OssEndpoint, LoopbackEndpointIsPathStyleWithItsPrefix) {
    const ObjectLocation object{parse_oss_endpoint("http://127.0.0.1:8080/oss/"), "my-bucket",
                                "releases/my app.apk"};
    EXPECT_TRUE(object.endpoint.path_style);
    EXPECT_EQ(object.url(), "http://127.0.0.1:8080/oss/my-bucket/releases/my%20app.apk");
    EXPECT_EQ(object.canonical_resource(), "/my-bucket/releases/my app.apk");
    EXPECT_EQ(object.endpoint_display(), "127.0.0.1:8080/oss");

    const ObjectLocation bare{parse_oss_endpoint("http://localhost:9000"), "bkt", "a.apk"};
    EXPECT_EQ(bare.url(), "http://localhost:9000/bkt/a.apk");
    const ObjectLocation v6{parse_oss_endpoint("https://[::1]:9443"), "bkt", "a.apk"};
    EXPECT_EQ(v6.url(), "https://[::1]:9443/bkt/a.apk");
}

TEST(OssEndpoint, RemoteEndpointIsVirtualHosted) {
    const ObjectLocation object{parse_oss_endpoint("https://oss-cn-shanghai-internal.aliyuncs.com"),
                                "bkt", "k+1.apk"};
    EXPECT_FALSE(object.endpoint.path_style);
    EXPECT_EQ(object.url(), "https://bkt.oss-cn-shanghai-internal.aliyuncs.com/k%2B1.apk");
}

TEST(OssEndpoint, RejectsUnsafeOrOddAddresses) {
    for (const std::string bad :
         {"http://oss-cn-hangzhou.aliyuncs.com", "ftp://127.0.0.1/", "not a url",
          "https://user:pw@oss-cn-hangzhou.aliyuncs.com",
          "https://oss-cn-hangzhou.aliyuncs.com/?a=1",
          "https://oss-cn-hangzhou.aliyuncs.com/some/path", "http://127.example.com:80/",
          "http://127.0.0.1%2e:80/", "http://[::1%25lo]:80/"})
        EXPECT_EQ(code_of([&] { parse_oss_endpoint(bad); }), ExitCode::Usage) << bad;
}
