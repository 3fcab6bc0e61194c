#include "sdk/archive_extractor.hpp"

#include "error.hpp"
#include "sdk_test_support.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <limits>
#include <random>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace verifysdk::sdk {
namespace {

using test::ArchiveBuilder;
using Format = ArchiveBuilder::Format;
namespace fs = std::filesystem;

std::string format_name(Format f) {
    switch (f) {
    case Format::Zip:
        return "zip";
    case Format::TarGz:
        return "tar.gz";
    case Format::Tar:
        return "tar";
    }
    return "?";
}

class ArchiveExtractor : public ::testing::Test {
  protected:
    test::TempDir tmp;
    fs::path staging = tmp / "state/staging";
    fs::path archive = tmp / "download.part";

    void SetUp() override {
        fs::create_directories(tmp / "state");
        test::write_file(tmp / "outside/marker", "untouched");
    }

    ArchiveBuilder build(Format format) { return ArchiveBuilder(archive, format); }

    ExtractResult extract(const ExtractLimits& limits = {}) {
        return extract_sdk_archive(archive, staging, "sdk.bin", limits);
    }

    // Extraction must fail with exit 7 and a message holding `words`, and
    // leave nothing behind: no staging, nothing new outside.
    void expect_refused(const std::string& words, const ExtractLimits& limits = {}) {
        const auto caught = test::catch_error([&] { extract(limits); });
        EXPECT_EQ(caught.code, ExitCode::Verification) << caught.message;
        EXPECT_NE(caught.message.find(words), std::string::npos)
            << "message: " << caught.message << "\nexpected: " << words;
        EXPECT_FALSE(fs::exists(fs::symlink_status(staging)));
        expect_outside_untouched();
    }

    void expect_outside_untouched() {
        std::vector<std::string> names;
        for (const auto& e : fs::recursive_directory_iterator(tmp.path()))
            names.push_back(e.path().lexically_relative(tmp.path()).generic_string());
        std::sort(names.begin(), names.end());
        EXPECT_EQ(names, (std::vector<std::string>{"download.part", "outside", "outside/marker",
                                                   "state"}));
        EXPECT_EQ(test::read_file(tmp / "outside/marker"), "untouched");
    }

    mode_t file_mode(mode_t wanted) const { return wanted & ~test::current_umask(); }
};

// Pseudo-random text: compresses a few times, like real binaries.
std::string noisy(std::size_t size, unsigned seed) {
    std::mt19937 gen(seed);
    std::string s(size, '\0');
    for (char& c : s)
        c = static_cast<char>('a' + gen() % 26);
    return s;
}

TEST_F(ArchiveExtractor, ZipHappyPath) {
    const std::string lib = noisy(300'000, 1);
    build(Format::Zip)
        .dir("lib/")
        .file("lib/arm64-v8a/libverify.so", lib, 0755)
        .file("README.md", "hello\n")
        .dir("empty/")
        .file("caf\xc3\xa9.txt", "utf-8 name")
        .file("Foo.framework/Versions/A/Foo", "binary")
        .symlink("Foo.framework/Versions/Current", "A")
        .symlink("Foo.framework/Foo", "Versions/Current/Foo")
        .close();
    const ExtractResult r = extract();
    EXPECT_EQ(r.kind, "zip");
    EXPECT_EQ(r.entries, 8u);
    EXPECT_EQ(r.bytes, lib.size() + 6 + 10 + 6);
    EXPECT_EQ(test::read_file(staging / "lib/arm64-v8a/libverify.so"), lib);
    EXPECT_EQ(test::mode_of(staging / "lib/arm64-v8a/libverify.so"), file_mode(0755));
    EXPECT_EQ(test::mode_of(staging / "README.md"), file_mode(0644));
    EXPECT_EQ(test::mode_of(staging), file_mode(0755));
    EXPECT_EQ(test::mode_of(staging / "lib"), file_mode(0755));
    EXPECT_TRUE(fs::is_directory(staging / "empty"));
    EXPECT_EQ(test::read_file(staging / "caf\xc3\xa9.txt"), "utf-8 name");
    EXPECT_EQ(fs::read_symlink(staging / "Foo.framework/Versions/Current"), "A");
    EXPECT_EQ(test::read_file(staging / "Foo.framework/Foo"), "binary"); // through two links
}

TEST_F(ArchiveExtractor, TarGzHappyPathWithDotSlashNames) {
    build(Format::TarGz)
        .dir("./")
        .dir("./libs/")
        .file("./libs/verify.aar", "aar bytes")
        .file("./bin/tool", "#!/bin/sh\n", 0700)
        .close();
    const ExtractResult r = extract();
    EXPECT_EQ(r.kind, "tar.gz");
    EXPECT_EQ(r.entries, 4u);
    EXPECT_EQ(test::read_file(staging / "libs/verify.aar"), "aar bytes");
    EXPECT_EQ(test::mode_of(staging / "bin/tool"), file_mode(0755));
}

TEST_F(ArchiveExtractor, PlainTarIsRecognised) {
    build(Format::Tar).file("a.txt", "tar").close();
    EXPECT_EQ(extract().kind, "tar");
    EXPECT_EQ(test::read_file(staging / "a.txt"), "tar");
}

TEST_F(ArchiveExtractor, AnythingElseIsInstalledAsIs) {
    test::write_file(archive, "not an archive at all");
    fs::create_directories(staging / "junk"); // staging is always made afresh
    const ExtractResult r = extract_sdk_archive(archive, staging, "verify-sdk.aar");
    EXPECT_EQ(r.kind, "file");
    EXPECT_EQ(r.entries, 1u);
    EXPECT_EQ(r.bytes, 21u);
    EXPECT_EQ(test::read_file(staging / "verify-sdk.aar"), "not an archive at all");
    EXPECT_EQ(test::mode_of(staging / "verify-sdk.aar"), file_mode(0644));
    EXPECT_FALSE(fs::exists(staging / "junk"));
}

TEST_F(ArchiveExtractor, FallbackNameMustBeAPlainName) {
    test::write_file(archive, "data");
    for (const char* name : {"../evil", "a/b", "", ".."}) {
        const auto caught = test::catch_error([&] { extract_sdk_archive(archive, staging, name); });
        EXPECT_EQ(caught.code, ExitCode::Verification) << name;
    }
    expect_outside_untouched();
}

class ArchiveExtractorFormats : public ArchiveExtractor,
                                public ::testing::WithParamInterface<Format> {};

TEST_P(ArchiveExtractorFormats, LargeFilesStreamThrough) {
    const std::string big = noisy(3 << 20, 8);
    build(GetParam()).file("a/big.bin", big).file("a/small.txt", "small").close();
    const ExtractResult r = extract();
    EXPECT_EQ(r.kind, format_name(GetParam()));
    EXPECT_EQ(r.bytes, big.size() + 5);
    EXPECT_EQ(test::read_file(staging / "a/big.bin"), big);
}

TEST_P(ArchiveExtractorFormats, AbsolutePath) {
    build(GetParam()).file("ok.txt", "fine").file("/tmp/evil", "x").close();
    expect_refused("\"/tmp/evil\" has an absolute path");
}

TEST_P(ArchiveExtractorFormats, DotDotComponent) {
    build(GetParam()).file("../outside/evil", "x").close();
    expect_refused("\"../outside/evil\" has a \"..\" component");
}

TEST_P(ArchiveExtractorFormats, DotOnlyName) {
    build(GetParam()).file("./.", "x").close();
    expect_refused("has an empty name");
}

TEST_P(ArchiveExtractorFormats, ControlCharacter) {
    build(GetParam()).file("evil\x01name", "x").close();
    expect_refused("\"evil\\x01name\" contains a control character");
}

TEST_P(ArchiveExtractorFormats, InvalidUtf8) {
    build(GetParam()).file("bad\xff\xfe.so", "x").close();
    expect_refused("is not valid UTF-8");
}

TEST_P(ArchiveExtractorFormats, DuplicateEntry) {
    build(GetParam()).file("lib/a.so", "one").file("lib//a.so", "two").close();
    expect_refused("\"lib//a.so\" appears twice in the archive");
}

TEST_P(ArchiveExtractorFormats, FileWhereAFolderWas) {
    build(GetParam()).file("lib/a.so", "one").file("lib", "now a file").close();
    expect_refused("\"lib\" is a file where the archive has a folder");
}

TEST_P(ArchiveExtractorFormats, FolderWhereAFileWas) {
    build(GetParam()).file("lib", "a file").file("lib/a.so", "inside it").close();
    expect_refused("\"lib/a.so\" is inside \"lib\", which is a file");
}

TEST_P(ArchiveExtractorFormats, AbsoluteSymlink) {
    build(GetParam()).symlink("passwd", "/etc/passwd").close();
    expect_refused("points to an absolute path");
}

TEST_P(ArchiveExtractorFormats, EscapingSymlink) {
    build(GetParam()).symlink("lib/up", "../../outside").close();
    expect_refused("points outside the SDK folder");
}

TEST_P(ArchiveExtractorFormats, WritingThroughASymlink) {
    build(GetParam()).dir("real/").symlink("link", "real").file("link/evil", "x").close();
    expect_refused("\"link/evil\" goes through the symlink \"link\"");
}

TEST_P(ArchiveExtractorFormats, TooManyEntries) {
    build(GetParam()).file("a", "1").file("b", "2").file("c", "3").file("d", "4").close();
    ExtractLimits limits;
    limits.max_entries = 3;
    expect_refused("\"d\" exceeds the limit of 3 entries", limits);
}

TEST_P(ArchiveExtractorFormats, TooManyBytesInTotal) {
    build(GetParam()).file("a", noisy(6000, 2)).file("b", noisy(6000, 3)).close();
    ExtractLimits limits;
    limits.max_total_bytes = 10'000;
    expect_refused("\"b\" makes the archive unpack to more than 10000 bytes", limits);
}

TEST_P(ArchiveExtractorFormats, ZipBombOfZeros) {
    if (GetParam() == Format::Tar) {
        // An uncompressed tar cannot expand: the same zeros are no bomb there.
        build(Format::Tar).file("small.txt", "fine").zeros("bomb.bin", 4u << 20).close();
        EXPECT_EQ(extract().bytes, (4u << 20) + 4);
        return;
    }
    build(GetParam()).file("small.txt", "fine").zeros("bomb.bin", 64u << 20).close();
    ASSERT_LT(fs::file_size(archive), 1u << 20);
    expect_refused("\"bomb.bin\" expands more than 200 times its compressed size");
}

TEST_P(ArchiveExtractorFormats, TruncatedArchive) {
    build(GetParam()).file("a.bin", noisy(200'000, 4)).file("b.bin", noisy(200'000, 5)).close();
    fs::resize_file(archive, fs::file_size(archive) / 2);
    expect_refused("is corrupt or truncated");
}

INSTANTIATE_TEST_SUITE_P(Formats, ArchiveExtractorFormats,
                         ::testing::Values(Format::Zip, Format::TarGz, Format::Tar),
                         [](const auto& param_info) {
                             std::string name = format_name(param_info.param);
                             return name == "tar.gz" ? std::string("TarGz")
                                    : name == "zip"  ? "Zip"
                                                     : "Tar";
                         });

// Types zip cannot carry: tar only.
TEST_F(ArchiveExtractor, RefusesHardLinks) {
    build(Format::TarGz).file("a.so", "x").hardlink("b.so", "a.so").close();
    expect_refused("\"b.so\" is a hard link");
}

TEST_F(ArchiveExtractor, RefusesDevicesFifosAndSockets) {
    build(Format::TarGz).special("dev/null", AE_IFCHR).close();
    expect_refused("\"dev/null\" is a device");
    build(Format::TarGz).special("fifo", AE_IFIFO).close();
    expect_refused("\"fifo\" is a FIFO");
    build(Format::Tar).special("blk", AE_IFBLK).close();
    expect_refused("\"blk\" is a device");
}

// libarchive would cut these names at the NUL; the audit reads them whole.
TEST_F(ArchiveExtractor, RefusesNamesWithNulBeforeExtracting) {
    test::write_file(archive, test::raw_zip({{"license.json", "{}"},
                                             {std::string("libs/evil\0.aar", 14), "x"}}));
    expect_refused("\"libs/evil\\x00.aar\" contains a NUL byte");
    test::write_file(archive, test::gzip(test::pax_block({{"path", std::string("a\0b", 3)}}) +
                                         test::tar_block("a", '0', "x") + test::tar_end()));
    expect_refused("\"a\\x00b\" contains a NUL byte");
}

TEST_F(ArchiveExtractor, RefusesZipFifoThatLibarchiveCallsAFile) {
    test::RawZipEntry fifo{"fifo", ""};
    fifo.unix_mode = 0010666;
    test::write_file(archive, test::raw_zip({fifo}));
    expect_refused("\"fifo\" is a FIFO");
}

TEST_F(ArchiveExtractor, RefusesZipNameNotUtf8DespiteTheFlag) {
    test::RawZipEntry bad{"libs/\xff.aar", "x"};
    bad.flags = 0x0800;
    test::write_file(archive, test::raw_zip({bad}));
    expect_refused("\"libs/\\xff.aar\" is not valid UTF-8");
}

TEST_F(ArchiveExtractor, ZipUtf8FlagWithValidNameExtracts) {
    test::RawZipEntry name{"caf\xc3\xa9.txt", "utf-8"};
    name.flags = 0x0800;
    test::write_file(archive, test::raw_zip({name}));
    extract();
    EXPECT_EQ(test::read_file(staging / "caf\xc3\xa9.txt"), "utf-8");
}

TEST_F(ArchiveExtractor, RefusesCorruptZipData) {
    const std::string data = noisy(100'000, 6);
    build(Format::Zip).file("a.bin", data).close();
    // Flip bytes in the middle of the compressed data (the central directory,
    // at the end, stays valid).
    std::string bytes = test::read_file(archive);
    for (std::size_t i = 0; i < 64; ++i)
        bytes[bytes.size() / 3 + i] = static_cast<char>(bytes[bytes.size() / 3 + i] ^ 0x55);
    test::write_file(archive, bytes);
    expect_refused("is corrupt or truncated");
}

TEST_F(ArchiveExtractor, CompressibleButReasonableFilesPass) {
    // Very repetitive text, yet it compresses well below the 200x rule.
    std::string text;
    for (int i = 0; text.size() < (4u << 20); ++i)
        text += "line " + std::to_string(i % 1000) + " of a rather repetitive log file\n";
    build(Format::Zip).file("log.txt", text).close();
    EXPECT_EQ(extract().bytes, text.size());
}

TEST_F(ArchiveExtractor, RatioRuleCanBeSwitchedOff) {
    build(Format::Zip).zeros("zeros.bin", 8u << 20).close();
    ExtractLimits limits;
    limits.max_ratio = std::numeric_limits<std::uint64_t>::max(); // saturates, no overflow
    EXPECT_EQ(extract(limits).bytes, 8u << 20);
}

TEST_F(ArchiveExtractor, HostileNamesAreEscapedInMessages) {
    build(Format::TarGz).file("a.so", "x").hardlink("\x1b]0;pwned\x07", "a.so").close();
    expect_refused("\"\\x1b]0;pwned\\x07\" is a hard link");
}

TEST_F(ArchiveExtractor, DiskFullIsAFileSystemError) {
    build(Format::Zip).file("big.bin", noisy(1 << 20, 7)).close();
    // RLIMIT_FSIZE makes write() fail with EFBIG, the closest portable stand-in
    // for a full disk; done in a child so this process keeps its limits.
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        const struct rlimit limit = {64 * 1024, 64 * 1024};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        const auto caught = test::catch_error([&] { extract(); });
        const bool ok =
            caught.code == ExitCode::FileSystem &&
            caught.message.find("disk full while extracting big.bin") != std::string::npos &&
            !fs::exists(staging);
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

} // namespace
} // namespace verifysdk::sdk
