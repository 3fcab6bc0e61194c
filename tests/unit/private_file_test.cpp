#include "sdk/private_file.hpp"

#include "error.hpp"
#include "sdk_test_support.hpp"

#include <gtest/gtest.h>

namespace verifysdk::sdk {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

std::size_t count_entries(const fs::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir))
        ++n;
    return n;
}

TEST(PrivateFile, WriteAtomicallyCreatesMode0600) {
    TempDir tmp;
    write_file_atomically(tmp / "state.json", "{}\n");
    EXPECT_EQ(test::read_file(tmp / "state.json"), "{}\n");
    EXPECT_EQ(test::mode_of(tmp / "state.json"), 0600u);
    EXPECT_EQ(count_entries(tmp.path()), 1u); // no temp file left
}

TEST(PrivateFile, WriteAtomicallyReplacesAndHonoursTheMode) {
    TempDir tmp;
    write_file_atomically(tmp / "f", "old");
    write_file_atomically(tmp / "f", "new content", 0644);
    EXPECT_EQ(test::read_file(tmp / "f"), "new content");
    EXPECT_EQ(test::mode_of(tmp / "f"), 0644u & ~test::current_umask());
    EXPECT_EQ(count_entries(tmp.path()), 1u);
}

TEST(PrivateFile, WriteAtomicallyIntoAMissingFolderIsAFileSystemError) {
    TempDir tmp;
    const auto caught = test::catch_error([&] { write_file_atomically(tmp / "no/f", "x"); });
    EXPECT_EQ(caught.code, ExitCode::FileSystem);
    EXPECT_NE(caught.message.find((tmp / "no/f").string()), std::string::npos);
}

TEST(PrivateFile, CreateNewFileNeverReusesOrFollows) {
    TempDir tmp;
    {
        UniqueFd fd = create_new_file(tmp / "a");
        EXPECT_TRUE(fd);
        write_all(fd.get(), "abc", tmp / "a");
    }
    EXPECT_EQ(test::read_file(tmp / "a"), "abc");
    EXPECT_EQ(test::catch_error([&] { create_new_file(tmp / "a"); }).code, ExitCode::FileSystem);
    fs::create_symlink(tmp / "target", tmp / "link");
    EXPECT_EQ(test::catch_error([&] { create_new_file(tmp / "link"); }).code, ExitCode::FileSystem);
    EXPECT_FALSE(fs::exists(tmp / "target"));
}

TEST(PrivateFile, TempFileNamesAreRecognisable) {
    EXPECT_TRUE(is_temp_file_name(".state.json.verifysdk-tmp-123-0"));
    EXPECT_FALSE(is_temp_file_name("state.json"));
    EXPECT_FALSE(is_temp_file_name("verifysdk-tmp-1")); // not hidden: not ours
}

TEST(PrivateFile, UniqueFdMovesOwnership) {
    UniqueFd a(::dup(0));
    ASSERT_TRUE(a);
    UniqueFd b(std::move(a));
    EXPECT_FALSE(a); // NOLINT(bugprone-use-after-move): checking the moved-from state
    EXPECT_TRUE(b);
}

} // namespace
} // namespace verifysdk::sdk
