#include "crypto/digest.hpp"
#include "error.hpp"
#include "sdk/trailing_hasher.hpp"
#include "sdk_test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace verifysdk::sdk {
namespace {

TEST(TrailingHasher, HashesWhatIsWrittenWhileItIsWritten) {
    test::TempDir tmp;
    const auto file = tmp / "download.part";
    std::ofstream out(file, std::ios::binary);
    TrailingHasher hasher(file);
    std::string all;
    for (int i = 0; i < 200; ++i) {
        const std::string chunk(1000 + i * 37, static_cast<char>('a' + i % 26));
        out << chunk << std::flush;
        all += chunk;
        hasher.advance(all.size());
    }
    EXPECT_EQ(hasher.finish(all.size()), crypto::sha256_hex(all));
}

TEST(TrailingHasher, IncludesBytesAlreadyInTheFile) {
    test::TempDir tmp;
    const auto file = tmp / "download.part";
    test::write_file(file, "kept from an earlier run|");
    TrailingHasher hasher(file);
    hasher.advance(25);
    std::ofstream(file, std::ios::binary | std::ios::app) << "new bytes" << std::flush;
    EXPECT_EQ(hasher.finish(34), crypto::sha256_hex("kept from an earlier run|new bytes"));
}

TEST(TrailingHasher, EmptyFile) {
    test::TempDir tmp;
    test::write_file(tmp / "empty", "");
    TrailingHasher hasher(tmp / "empty");
    EXPECT_EQ(hasher.finish(0), crypto::sha256_hex(""));
}

TEST(TrailingHasher, FileShorterThanClaimedIsAFileSystemError) {
    test::TempDir tmp;
    test::write_file(tmp / "short", "abc");
    TrailingHasher hasher(tmp / "short");
    const auto caught = test::catch_error([&] { hasher.finish(10); });
    EXPECT_EQ(caught.code, ExitCode::FileSystem);
    EXPECT_NE(caught.message.find("shorter than written"), std::string::npos) << caught.message;
}

TEST(TrailingHasher, DestroyedMidwayStopsCleanly) {
    test::TempDir tmp;
    test::write_file(tmp / "f", std::string(1 << 20, 'x'));
    TrailingHasher hasher(tmp / "f");
    hasher.advance(1 << 19);
}

} // namespace
} // namespace verifysdk::sdk
