#include "sdk/state_paths.hpp"

#include "error.hpp"
#include "sdk_test_support.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

namespace verifysdk::sdk {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

TEST(StatePaths, LayoutBesideTheDestination) {
    const StatePaths p = state_paths_for("/work/app/third_party/sdk");
    EXPECT_EQ(p.dest, "/work/app/third_party/sdk");
    EXPECT_EQ(p.root, "/work/app/third_party/.verifysdk/sdk");
    EXPECT_EQ(p.state_file, "/work/app/third_party/.verifysdk/sdk/state.json");
    EXPECT_EQ(p.lock_file, "/work/app/third_party/.verifysdk/sdk/lock");
    EXPECT_EQ(p.download_part, "/work/app/third_party/.verifysdk/sdk/download.part");
    EXPECT_EQ(p.staging, "/work/app/third_party/.verifysdk/sdk/staging");
    EXPECT_EQ(p.previous, "/work/app/third_party/.verifysdk/sdk/previous");
    EXPECT_EQ(p.digest_cache, "/work/app/third_party/.verifysdk/sdk/app-digest.json");
}

TEST(StatePaths, TrailingSlashAndDotsAreNormalised) {
    EXPECT_EQ(state_paths_for("/a/b/sdk/").dest, "/a/b/sdk");
    EXPECT_EQ(state_paths_for("/a/./b/../b/sdk//").root, "/a/b/.verifysdk/sdk");
}

TEST(StatePaths, RelativeDestinationIsMadeAbsolute) {
    const StatePaths p = state_paths_for("third_party/sdk");
    EXPECT_TRUE(p.dest.is_absolute());
    EXPECT_EQ(p.dest, (fs::current_path() / "third_party/sdk").lexically_normal());
    EXPECT_EQ(state_paths_for(".").dest, fs::current_path());
}

TEST(StatePaths, RootIsNotADestination) {
    EXPECT_EQ(test::catch_error([] { state_paths_for("/"); }).code, ExitCode::Usage);
    EXPECT_EQ(test::catch_error([] { state_paths_for(""); }).code, ExitCode::Usage);
}

TEST(StatePaths, EnsureStateRootCreatesPrivateFolders) {
    TempDir tmp;
    const StatePaths p = state_paths_for(tmp / "project/third_party/sdk");
    ensure_state_root(p);
    EXPECT_TRUE(fs::is_directory(tmp / "project/third_party"));
    EXPECT_EQ(test::mode_of(p.root.parent_path()), 0700u);
    EXPECT_EQ(test::mode_of(p.root), 0700u);
    EXPECT_FALSE(fs::exists(p.dest)); // only the state side is created
    EXPECT_NE(test::read_file(p.root.parent_path() / ".gitignore").find("\n*\n"),
              std::string::npos);
    test::write_file(p.root.parent_path() / ".gitignore", "edited by the user\n");
    ensure_state_root(p); // idempotent, and leaves an existing .gitignore alone
    EXPECT_EQ(test::read_file(p.root.parent_path() / ".gitignore"), "edited by the user\n");
}

TEST(StatePaths, EnsureStateRootNamesTheFolderItCannotCreate) {
    TempDir tmp;
    test::write_file(tmp / "file", "x");
    // A file where a folder must be: fails for root too.
    const StatePaths p = state_paths_for(tmp / "file/sdk");
    const auto caught = test::catch_error([&] { ensure_state_root(p); });
    EXPECT_EQ(caught.code, ExitCode::FileSystem);
    EXPECT_NE(caught.message.find((tmp / "file").string()), std::string::npos) << caught.message;
}

// Root ignores folder permissions, so there this runs as the unprivileged
// user "nobody" in a forked child (setuid is not undone in the test process).
TEST(StatePaths, EnsureStateRootRefusesAReadOnlyParent) {
    TempDir tmp;
    if (::geteuid() == 0) {
        fs::create_directories(tmp / "ro");
        fs::permissions(tmp.path(), fs::perms::all);
        fs::permissions(tmp / "ro", fs::perms::owner_read | fs::perms::owner_exec |
                                        fs::perms::others_read | fs::perms::others_exec);
        const pid_t child = ::fork();
        if (child == 0) {
            if (::setgid(65534) != 0 || ::setuid(65534) != 0)
                ::_exit(2);
            try {
                ensure_state_root(state_paths_for(tmp / "ro/sdk"));
            } catch (const Error& error) {
                const bool named =
                    std::string(error.what()).find("ro/.verifysdk") != std::string::npos;
                ::_exit(error.code() == ExitCode::FileSystem && named ? 0 : 3);
            }
            ::_exit(4);
        }
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFEXITED(status));
        EXPECT_EQ(WEXITSTATUS(status), 0) << "2: cannot drop root, 3: wrong error, 4: no error";
        return;
    }
    fs::create_directories(tmp / "ro");
    fs::permissions(tmp / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    const auto caught =
        test::catch_error([&] { ensure_state_root(state_paths_for(tmp / "ro/sdk")); });
    EXPECT_EQ(caught.code, ExitCode::FileSystem);
    EXPECT_NE(caught.message.find("ro/.verifysdk"), std::string::npos) << caught.message;
}

} // namespace
} // namespace verifysdk::sdk
