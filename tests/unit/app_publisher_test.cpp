// AppPublisher: which option combinations are accepted (all checked before any
// network), and the app's stored identity (never a query string).
#include "sdk/app_publisher.hpp"

#include "sdk_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

using namespace verifysdk;
using namespace verifysdk::sdk;
using ::testing::HasSubstr;

namespace {

UploadOptions oss_upload(const std::string& uri = "oss://my-bucket/releases/") {
    UploadOptions upload;
    upload.oss_uri = uri;
    upload.oss_region = "cn-hangzhou";
    return upload;
}

test::Caught usage(const UploadOptions& upload, const std::string& app_url,
                   const std::string& app_file) {
    return test::catch_error([&] { AppPublisher(upload, app_url, app_file); });
}

} // namespace

TEST(AppPublisher, PlainAppUrlIsStoredWithoutQuery) {
    const AppPublisher publisher({}, "https://cdn.example.com/app.apk?token=secret", "");
    EXPECT_FALSE(publisher.uploads_to_oss());
    EXPECT_FALSE(publisher.uses_put_url());
    EXPECT_EQ(publisher.stored_url(), "https://cdn.example.com/app.apk");
}

TEST(AppPublisher, OssUploadIsStoredAsTheObjectUrl) {
    const AppPublisher publisher(oss_upload(), "", "build/outputs/apk/release/app-release.apk");
    EXPECT_TRUE(publisher.uploads_to_oss());
    EXPECT_EQ(publisher.stored_url(),
              "https://my-bucket.oss-cn-hangzhou.aliyuncs.com/releases/app-release.apk");

    UploadOptions keyed = oss_upload();
    keyed.key = "fixed/name.apk";
    keyed.oss_region.clear();
    keyed.oss_endpoint = "http://127.0.0.1:9000/oss";
    EXPECT_EQ(AppPublisher(keyed, "", "a.apk").stored_url(),
              "http://127.0.0.1:9000/oss/my-bucket/fixed/name.apk");
}

TEST(AppPublisher, PutUrlKeepsTheAppUrlAsIdentity) {
    UploadOptions upload;
    upload.put_url = "https://storage.example.com/app.apk?X-Signature=abc";
    const AppPublisher publisher(upload, "https://cdn.example.com/app.apk?sig=1", "app.apk");
    EXPECT_TRUE(publisher.uses_put_url());
    EXPECT_EQ(publisher.stored_url(), "https://cdn.example.com/app.apk");
}

TEST(AppPublisher, OptionCombinationsThatMakeNoSense) {
    UploadOptions no_region = oss_upload();
    no_region.oss_region.clear();
    UploadOptions both_places = oss_upload();
    both_places.oss_endpoint = "https://oss-cn-hangzhou.aliyuncs.com";
    UploadOptions stray_key;
    stray_key.key = "k.apk";
    UploadOptions both_uploads = oss_upload();
    both_uploads.put_url = "https://storage.example.com/a";
    UploadOptions put_only;
    put_only.put_url = "https://storage.example.com/a";
    UploadOptions expired = oss_upload();
    expired.expires_s = 0;
    UploadOptions too_long = oss_upload();
    too_long.expires_s = max_upload_expires_s + 1;

    const struct {
        UploadOptions upload;
        std::string app_url, app_file, message;
    } cases[] = {
        {oss_upload(), "", "", "needs --app-file"},
        {oss_upload(), "https://cdn.example.com/a.apk", "a.apk", "cannot be used together"},
        {no_region, "", "a.apk", "region"},
        {both_places, "", "a.apk", "cannot be used together"},
        {stray_key, "https://cdn.example.com/a.apk", "a.apk", "need --upload"},
        {both_uploads, "", "a.apk", "cannot be used together"},
        {put_only, "", "a.apk", "needs --app-url"},
        {put_only, "https://cdn.example.com/a.apk", "", "needs --app-file"},
        {expired, "", "a.apk", "--upload-expires"},
        {too_long, "", "a.apk", "--upload-expires"},
        {{}, "", "a.apk", "--app-url"},
        {oss_upload("oss://x/"), "", "a.apk", "bucket name"},
    };
    for (const auto& c : cases) {
        const auto caught = usage(c.upload, c.app_url, c.app_file);
        EXPECT_EQ(caught.code, ExitCode::Usage) << c.message;
        EXPECT_THAT(caught.message + " " + caught.hint, HasSubstr(c.message));
    }
}

TEST(AppPublisher, LongestExpiryIsSevenDays) {
    UploadOptions upload = oss_upload();
    upload.expires_s = 604800;
    EXPECT_NO_THROW(AppPublisher(upload, "", "a.apk"));
}
