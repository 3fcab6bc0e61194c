#include "sdk/app_digest.hpp"

#include "crypto/digest.hpp"
#include "error.hpp"
#include "sdk_test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fcntl.h>
#include <sys/stat.h>

namespace verifysdk::sdk {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

// An mtime well in the past, so the "modified too recently" guard does not
// apply.
void set_mtime(const fs::path& file, std::int64_t seconds, long nanoseconds = 0) {
    const struct timespec times[2] = {{static_cast<time_t>(seconds), nanoseconds},
                                      {static_cast<time_t>(seconds), nanoseconds}};
    ASSERT_EQ(::utimensat(AT_FDCWD, file.c_str(), times, 0), 0);
}

ino_t inode_of(const fs::path& file) {
    struct stat st {};
    ::stat(file.c_str(), &st);
    return st.st_ino;
}

// Rewrites the bytes in place: same inode, same size.
void overwrite_in_place(const fs::path& file, const std::string& content) {
    std::fstream out(file, std::ios::in | std::ios::out | std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

TEST(AppDigest, HashesAndCachesByPathSizeMtimeAndInode) {
    TempDir tmp;
    const auto app = tmp / "app.apk";
    const auto cache = tmp / "app-digest.json";
    test::write_file(app, "version one!");
    set_mtime(app, 1'600'000'000, 123456789);
    const ino_t inode = inode_of(app);

    const std::string first = app_sha256_cached(app, cache);
    EXPECT_EQ(first, crypto::sha256_hex("version one!"));
    EXPECT_TRUE(fs::exists(cache));
    EXPECT_EQ(test::mode_of(cache), 0600u);

    // Same size, mtime and inode but other bytes: the cached digest comes back,
    // which proves the file was not read again.
    overwrite_in_place(app, "version two!");
    set_mtime(app, 1'600'000'000, 123456789);
    ASSERT_EQ(inode_of(app), inode);
    EXPECT_EQ(app_sha256_cached(app, cache), first);

    // One nanosecond of mtime difference is enough to hash again.
    set_mtime(app, 1'600'000'000, 123456790);
    EXPECT_EQ(app_sha256_cached(app, cache), crypto::sha256_hex("version two!"));
}

TEST(AppDigest, SizeChangeRehashes) {
    TempDir tmp;
    const auto app = tmp / "app.apk";
    test::write_file(app, "short");
    set_mtime(app, 1'600'000'000);
    app_sha256_cached(app, tmp / "cache.json");
    test::write_file(app, "longer content");
    set_mtime(app, 1'600'000'000);
    EXPECT_EQ(app_sha256_cached(app, tmp / "cache.json"), crypto::sha256_hex("longer content"));
}

TEST(AppDigest, FreshlyWrittenFilesAreNotCached) {
    TempDir tmp;
    const auto app = tmp / "app.apk";
    test::write_file(app, "just built");
    app_sha256_cached(app, tmp / "cache.json");
    EXPECT_FALSE(fs::exists(tmp / "cache.json"));
}

TEST(AppDigest, CorruptOrUnwritableCacheIsNotFatal) {
    TempDir tmp;
    const auto app = tmp / "app.apk";
    test::write_file(app, "data");
    set_mtime(app, 1'600'000'000);
    test::write_file(tmp / "cache.json", "{garbage");
    EXPECT_EQ(app_sha256_cached(app, tmp / "cache.json"), crypto::sha256_hex("data"));
    EXPECT_EQ(app_sha256_cached(app, tmp / "no-such-folder/cache.json"),
              crypto::sha256_hex("data"));
}

TEST(AppDigest, MissingAppIsAFileSystemErrorNamingIt) {
    TempDir tmp;
    const auto caught =
        test::catch_error([&] { app_sha256_cached(tmp / "missing.apk", tmp / "cache.json"); });
    EXPECT_EQ(caught.code, ExitCode::FileSystem);
    EXPECT_NE(caught.message.find("missing.apk"), std::string::npos);
    EXPECT_EQ(test::catch_error([&] { app_sha256_cached(tmp.path(), tmp / "c.json"); }).code,
              ExitCode::FileSystem);
}

TEST(AppDigest, UpToDatePathIsFast) {
    TempDir tmp;
    const auto app = tmp / "app.apk";
    test::write_file(app, std::string(32 << 20, 'x'));
    set_mtime(app, 1'600'000'000);
    const auto cache = tmp / "cache.json";
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    const auto first = app_sha256_cached(app, cache);
    const auto t1 = clock::now();
    const auto second = app_sha256_cached(app, cache);
    const auto t2 = clock::now();
    EXPECT_EQ(first, second);
    const auto us = [](auto d) {
        return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    };
    std::printf("[ figures  ] 32 MiB app: hashed in %lld us, cached lookup in %lld us\n",
                static_cast<long long>(us(t1 - t0)), static_cast<long long>(us(t2 - t1)));
    EXPECT_LT(t2 - t1, std::chrono::milliseconds(10));
}

} // namespace
} // namespace verifysdk::sdk
