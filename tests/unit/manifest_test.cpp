#include "sdk/manifest.hpp"

#include "crypto/digest.hpp"
#include "error.hpp"
#include "sdk_test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace verifysdk::sdk {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

Manifest sample(std::vector<InstalledFile> files) {
    Manifest m;
    m.tool_version = "0.1.0";
    m.api_version = "2019-03-07";
    m.endpoint_host = "cloudauth.aliyuncs.com";
    m.app_url = "https://example.com/app.apk";
    m.app_sha256 = std::string(64, 'a');
    m.platform = "android";
    m.task_id = "task-1";
    m.sdk_sha256 = std::string(64, 'b');
    m.sdk_size = 1234;
    m.files = std::move(files);
    m.installed_at = "2024-05-01T12:00:00Z";
    m.options_digest = "opts";
    return m;
}

// An installed SDK folder with two files and a link, and its manifest.
Manifest make_sdk(const fs::path& dir) {
    test::write_file(dir / "libs/verify.aar", "aar");
    test::write_file(dir / "README.md", "readme");
    fs::create_symlink("libs/verify.aar", dir / "current.aar");
    Manifest m = sample(scan_files(dir));
    write_manifest(dir, m);
    return m;
}

std::string manifest_text(const fs::path& dir) {
    return test::read_file(dir / std::string(manifest_file_name));
}

TEST(Manifest, ScanFilesListsFilesAndLinksSorted) {
    TempDir tmp;
    test::write_file(tmp / "b/z.txt", "zz");
    test::write_file(tmp / "a.txt", "a");
    fs::create_directories(tmp / "empty");
    fs::create_symlink("a.txt", tmp / "link");
    test::write_file(tmp / std::string(manifest_file_name), "{}");
    test::write_file(tmp / "b" / std::string(manifest_file_name), "nested one is listed");
    const auto files = scan_files(tmp.path());
    ASSERT_EQ(files.size(), 4u);
    EXPECT_EQ(files[0], (InstalledFile{"a.txt", 1, crypto::sha256_hex("a")}));
    EXPECT_EQ(files[1].path, "b/verifysdk.lock.json");
    EXPECT_EQ(files[2], (InstalledFile{"b/z.txt", 2, crypto::sha256_hex("zz")}));
    EXPECT_EQ(files[3], (InstalledFile{"link", 5, crypto::sha256_hex("a.txt")}));
}

TEST(Manifest, WriteThenReadRoundTrips) {
    TempDir tmp;
    const Manifest m = make_sdk(tmp.path());
    const Manifest back = read_manifest(tmp.path());
    EXPECT_EQ(back.files, m.files);
    EXPECT_EQ(back.task_id, "task-1");
    EXPECT_EQ(back.sdk_size, 1234u);
    EXPECT_EQ(back.options_digest, "opts");
    EXPECT_EQ(read_manifest(tmp / std::string(manifest_file_name)).files, m.files);
    EXPECT_EQ(test::mode_of(tmp / std::string(manifest_file_name)), 0644u & ~test::current_umask());
}

TEST(Manifest, JsonShapeIsStableAndReadable) {
    TempDir tmp;
    write_manifest(tmp.path(),
                   sample({{"z.so", 1, std::string(64, 'c')}, {"a.so", 2, std::string(64, 'd')}}));
    const std::string text = manifest_text(tmp.path());
    EXPECT_EQ(text.rfind("{\n  \"format_version\": 1,\n  \"tool_version\": \"0.1.0\",", 0), 0u)
        << text;
    EXPECT_LT(text.find("\"a.so\""), text.find("\"z.so\"")); // sorted by path
    EXPECT_EQ(text.back(), '\n');
    const auto j = nlohmann::json::parse(text);
    for (const char* key : {"api_version", "endpoint_host", "app_url", "app_sha256", "platform",
                            "task_id", "sdk_sha256", "sdk_size", "installed_at", "options_digest"})
        EXPECT_TRUE(j.contains(key)) << key;
}

TEST(Manifest, MissingOrInvalidManifestIsAVerificationError) {
    TempDir tmp;
    auto caught = test::catch_error([&] { read_manifest(tmp.path()); });
    EXPECT_EQ(caught.code, ExitCode::Verification);
    EXPECT_NE(caught.message.find("no verifysdk.lock.json in " + tmp.path().string()),
              std::string::npos);
    EXPECT_FALSE(try_read_manifest(tmp.path()));

    make_sdk(tmp.path());
    const std::string good = manifest_text(tmp.path());
    const auto edit = [&](const std::string& from, const std::string& to) {
        std::string text = good;
        const auto at = text.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        text.replace(at, from.size(), to);
        test::write_file(tmp / std::string(manifest_file_name), text);
        return test::catch_error([&] { read_manifest(tmp.path()); });
    };
    const std::vector<std::pair<std::pair<std::string, std::string>, std::string>> cases = {
        {{"{", "[{"}, "not a JSON object"},
        {{"\"format_version\": 1", "\"format_version\": 9"}, "format_version 9 is not supported"},
        {{"\"task_id\"", "\"task\""}, "\"task_id\" is missing"},
        {{"\"sdk_size\": 1234", "\"sdk_size\": -1"}, "\"sdk_size\" is missing or not a size"},
        {{"\"path\": \"README.md\"", "\"path\": \"../../etc/passwd\""}, "is unsafe"},
        {{"\"path\": \"README.md\"", "\"path\": \"./README.md\""}, "not in normal form"},
        {{"\"path\": \"README.md\"", "\"path\": \"current.aar\""}, "listed twice"},
        {{"\"size\": 6", "\"size\": \"6\""}, "\"size\" is missing or not a size"},
    };
    for (const auto& [change, why] : cases) {
        caught = edit(change.first, change.second);
        EXPECT_EQ(caught.code, ExitCode::Verification) << change.second;
        EXPECT_NE(caught.message.find(why), std::string::npos)
            << caught.message << " / expected " << why;
        EXPECT_FALSE(try_read_manifest(tmp.path()));
    }
    test::write_file(tmp / std::string(manifest_file_name), "{truncated");
    EXPECT_EQ(test::catch_error([&] { read_manifest(tmp.path()); }).code, ExitCode::Verification);
}

TEST(Manifest, VerifyFindsAddedMissingAndChangedFiles) {
    TempDir tmp;
    const Manifest m = make_sdk(tmp.path());
    EXPECT_TRUE(verify_installed(tmp.path(), m).ok());

    test::write_file(tmp / "libs/verify.aar", "AAR");     // same size, other bytes
    test::write_file(tmp / "README.md", "longer readme"); // other size
    fs::remove(tmp / "current.aar");
    fs::create_symlink("elsewhere.aar", tmp / "current.aar"); // other link target
    test::write_file(tmp / "extra/new.txt", "new");
    const VerifyReport r = verify_installed(tmp.path(), m);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.changed, (std::vector<std::string>{"README.md", "current.aar", "libs/verify.aar"}));
    EXPECT_EQ(r.added, std::vector<std::string>{"extra/new.txt"});
    EXPECT_TRUE(r.missing.empty());

    fs::remove(tmp / "README.md");
    EXPECT_EQ(verify_installed(tmp.path(), m).missing, std::vector<std::string>{"README.md"});
    EXPECT_EQ(verify_installed(tmp / "nowhere", m).missing.size(), 3u);
}

TEST(Manifest, Rfc3339Utc) {
    EXPECT_EQ(rfc3339_utc(std::chrono::system_clock::time_point(std::chrono::seconds(0))),
              "1970-01-01T00:00:00Z");
    EXPECT_EQ(
        rfc3339_utc(std::chrono::system_clock::time_point(std::chrono::seconds(1'714'564'800))),
        "2024-05-01T12:00:00Z");
}

} // namespace
} // namespace verifysdk::sdk
