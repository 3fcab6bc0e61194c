#include "sdk/app_inspector.hpp"

#include "sdk_test_support.hpp"

#include <gtest/gtest.h>

namespace verifysdk::sdk {
namespace {

using test::ArchiveBuilder;
using test::TempDir;

TEST(AppInspector, ApkHasAndroidManifestAtTheTop) {
    TempDir tmp;
    ArchiveBuilder b(tmp / "app.bin", ArchiveBuilder::Format::Zip);
    b.file("classes.dex", "dex").file("AndroidManifest.xml", "<manifest/>").close();
    EXPECT_EQ(detect_platform(tmp / "app.bin"), "android");
}

TEST(AppInspector, IpaHasAnAppBundleBelowPayload) {
    TempDir tmp;
    ArchiveBuilder b(tmp / "app.bin", ArchiveBuilder::Format::Zip);
    b.dir("Payload/").dir("Payload/Demo.app/").file("Payload/Demo.app/Info.plist", "x").close();
    EXPECT_EQ(detect_platform(tmp / "app.bin"), "ios");
}

TEST(AppInspector, OtherZipsAndNonZipsAreUnknown) {
    TempDir tmp;
    {
        ArchiveBuilder b(tmp / "plain.zip", ArchiveBuilder::Format::Zip);
        b.file("lib/AndroidManifest.xml", "nested does not count")
            .file("Payload/readme.txt", "no .app bundle")
            .file("Payload/X.app", "a file, not a bundle")
            .close();
    }
    EXPECT_EQ(detect_platform(tmp / "plain.zip"), std::nullopt);
    {
        ArchiveBuilder b(tmp / "app.tar.gz", ArchiveBuilder::Format::TarGz);
        b.file("AndroidManifest.xml", "not a zip").close();
    }
    EXPECT_EQ(detect_platform(tmp / "app.tar.gz"), std::nullopt);
    test::write_file(tmp / "text.apk", "just text");
    EXPECT_EQ(detect_platform(tmp / "text.apk"), std::nullopt);
    test::write_file(tmp / "empty.apk", "");
    EXPECT_EQ(detect_platform(tmp / "empty.apk"), std::nullopt);
    EXPECT_EQ(detect_platform(tmp / "missing.apk"), std::nullopt);
}

TEST(AppInspector, PlatformFromUrl) {
    EXPECT_EQ(platform_from_url("https://h/builds/app-release.apk"), "android");
    EXPECT_EQ(platform_from_url("https://h/app.AAB?sig=abc"), "android");
    EXPECT_EQ(platform_from_url("https://h/Demo.IPA#x"), "ios");
    EXPECT_EQ(platform_from_url("https://h/download?file=app.apk"), std::nullopt);
    EXPECT_EQ(platform_from_url("https://h/app.apk/info"), std::nullopt);
    EXPECT_EQ(platform_from_url("https://h/.apk.zip"), std::nullopt);
    EXPECT_EQ(platform_from_url(""), std::nullopt);
}

} // namespace
} // namespace verifysdk::sdk
