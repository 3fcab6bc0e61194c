#include "sdk/atomic_install.hpp"

#include "error.hpp"
#include "sdk/manifest.hpp"
#include "sdk/private_file.hpp"
#include "sdk_test_support.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <random>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace verifysdk::sdk {
namespace {

using test::TempDir;
namespace fs = std::filesystem;

const std::string lock_name(manifest_file_name);

// Fills `dir` with a small SDK whose every file says `version`, manifest last
// (as the fetch pipeline does).
void make_sdk(const fs::path& dir, const std::string& version, int files = 3) {
    fs::create_directories(dir);
    for (int i = 0; i < files; ++i)
        test::write_file(dir / ("lib/part" + std::to_string(i) + ".so"), version);
    test::write_file(dir / "VERSION", version);
    Manifest m;
    m.task_id = version;
    m.sdk_sha256 = std::string(64, '0');
    m.files = scan_files(dir);
    write_manifest(dir, m);
}

// The complete SDK at `dir`, or "" when it is missing or incomplete.
std::string installed_version(const fs::path& dir) {
    const auto m = try_read_manifest(dir);
    if (!m || !verify_installed(dir, *m).ok())
        return "";
    return test::read_file(dir / "VERSION");
}

class AtomicInstallRecovery : public ::testing::Test {
  protected:
    TempDir tmp;
    StatePaths paths = state_paths_for(tmp / "third_party/sdk");
    void SetUp() override { ensure_state_root(paths); }
};

class AtomicInstall : public AtomicInstallRecovery,
                      public ::testing::WithParamInterface<SwapMethod> {};

TEST_P(AtomicInstall, FreshInstall) {
    make_sdk(paths.staging, "v1");
    install_staging(paths, GetParam());
    EXPECT_EQ(installed_version(paths.dest), "v1");
    EXPECT_FALSE(fs::exists(paths.staging));
    EXPECT_FALSE(fs::exists(paths.previous));
}

TEST_P(AtomicInstall, ReplaceRemovesTheOldSdk) {
    make_sdk(paths.dest, "old", 5);
    make_sdk(paths.staging, "new", 2);
    install_staging(paths, GetParam());
    EXPECT_EQ(installed_version(paths.dest), "new");
    EXPECT_FALSE(fs::exists(paths.dest / "lib/part4.so")); // nothing of the old one is left
    EXPECT_FALSE(fs::exists(paths.staging));
    EXPECT_FALSE(fs::exists(paths.previous));
}

TEST_P(AtomicInstall, DestinationThatIsASymlinkIsReplacedNotFollowed) {
    make_sdk(tmp / "elsewhere", "linked");
    fs::create_directories(paths.dest.parent_path());
    fs::create_symlink(tmp / "elsewhere", paths.dest);
    make_sdk(paths.staging, "new");
    install_staging(paths, GetParam());
    EXPECT_EQ(installed_version(paths.dest), "new");
    EXPECT_FALSE(fs::is_symlink(paths.dest));
    EXPECT_EQ(installed_version(tmp / "elsewhere"), "linked"); // the link's target is untouched
}

TEST_P(AtomicInstall, NothingStagedIsAnError) {
    make_sdk(paths.dest, "old");
    EXPECT_EQ(test::catch_error([&] { install_staging(paths, GetParam()); }).code,
              ExitCode::FileSystem);
    EXPECT_EQ(installed_version(paths.dest), "old");
}

TEST_P(AtomicInstall, UnwritableParentLeavesTheOldSdk) {
    make_sdk(paths.dest, "old");
    make_sdk(paths.staging, "new");
    const fs::path parent = paths.dest.parent_path();
    StatePaths p = paths;
    std::string expected_folder = parent.string();
    if (::geteuid() != 0) {
        fs::permissions(parent, fs::perms::owner_read | fs::perms::owner_exec);
    } else {
        // Root ignores permissions. Stage on another file system instead:
        // rename() then fails (EXDEV) just as late in the process.
        struct stat here {
        }, shm{};
        if (::stat("/dev/shm", &shm) != 0 || ::stat(parent.c_str(), &here) != 0 ||
            here.st_dev == shm.st_dev)
            GTEST_SKIP() << "running as root and no second file system to provoke a failure";
        p.staging = fs::path("/dev/shm") / ("verifysdk-test-" + std::to_string(::getpid()));
        fs::remove_all(p.staging);
        make_sdk(p.staging, "new");
    }
    const auto caught = test::catch_error([&] { install_staging(p, GetParam()); });
    if (::geteuid() == 0)
        fs::remove_all(p.staging);
    else
        fs::permissions(parent, fs::perms::owner_all);
    EXPECT_EQ(caught.code, ExitCode::FileSystem);
    EXPECT_NE(caught.message.find(expected_folder), std::string::npos) << caught.message;
    EXPECT_FALSE(caught.hint.empty());
    EXPECT_EQ(installed_version(paths.dest), "old");
    EXPECT_FALSE(fs::exists(paths.previous));
}

INSTANTIATE_TEST_SUITE_P(Methods, AtomicInstall,
                         ::testing::Values(SwapMethod::Best, SwapMethod::RenameAside),
                         [](const auto& param_info) {
                             return param_info.param == SwapMethod::Best ? "Exchange"
                                                                         : "RenameAside";
                         });

TEST_F(AtomicInstallRecovery, CrashBetweenTheTwoRenamesRestoresTheOldSdk) {
    make_sdk(paths.dest, "old");
    make_sdk(paths.staging, "new");
    fs::rename(paths.dest, paths.previous); // first rename done, then kill -9
    recover_interrupted_install(paths);
    EXPECT_EQ(installed_version(paths.dest), "old");
    EXPECT_FALSE(fs::exists(paths.staging));
    EXPECT_FALSE(fs::exists(paths.previous));
}

TEST_F(AtomicInstallRecovery, ASdkWithoutManifestIsRestoredTooNeverDeleted) {
    test::write_file(paths.dest / "hand-installed.aar", "by hand");
    make_sdk(paths.staging, "new");
    fs::rename(paths.dest, paths.previous);
    recover_interrupted_install(paths);
    EXPECT_EQ(test::read_file(paths.dest / "hand-installed.aar"), "by hand");
}

TEST_F(AtomicInstallRecovery, CrashAfterTheSwapKeepsTheNewSdk) {
    make_sdk(paths.dest, "new");
    make_sdk(paths.staging, "old"); // the exchanged-out old SDK, not yet removed
    make_sdk(paths.previous, "older");
    recover_interrupted_install(paths);
    EXPECT_EQ(installed_version(paths.dest), "new");
    EXPECT_FALSE(fs::exists(paths.staging));
    EXPECT_FALSE(fs::exists(paths.previous));
}

TEST_F(AtomicInstallRecovery, RemovesStaleTempFilesButKeepsState) {
    make_sdk(paths.dest, "v1");
    test::write_file(paths.root / ".state.json.verifysdk-tmp-99-0", "stale");
    test::write_file(paths.dest / ".verifysdk.lock.json.verifysdk-tmp-99-1", "stale");
    test::write_file(paths.state_file, "{}");
    test::write_file(paths.download_part, "partial");
    recover_interrupted_install(paths);
    EXPECT_FALSE(fs::exists(paths.root / ".state.json.verifysdk-tmp-99-0"));
    EXPECT_FALSE(fs::exists(paths.dest / ".verifysdk.lock.json.verifysdk-tmp-99-1"));
    EXPECT_TRUE(fs::exists(paths.state_file));
    EXPECT_TRUE(fs::exists(paths.download_part));
    EXPECT_EQ(installed_version(paths.dest), "v1");
}

TEST_F(AtomicInstallRecovery, NothingToRecoverIsANoOp) {
    recover_interrupted_install(paths); // no dest yet
    EXPECT_FALSE(fs::exists(paths.dest));
    make_sdk(paths.dest, "v1");
    recover_interrupted_install(paths);
    EXPECT_EQ(installed_version(paths.dest), "v1");
}

// kill -9 at random moments of repeated installs: after recovery the
// destination is always one complete SDK.
class AtomicInstallKill : public AtomicInstall {};

TEST_P(AtomicInstallKill, DestinationIsAlwaysCompleteAfterRecovery) {
    make_sdk(paths.dest, "v0");
    std::mt19937 gen(42);
    int missing_before_recovery = 0;
    for (int round = 0; round < 30; ++round) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            try {
                for (int k = 1;; ++k) {
                    recover_interrupted_install(paths);
                    make_sdk(paths.staging, "v" + std::to_string(k), 20);
                    install_staging(paths, GetParam());
                }
            } catch (...) {
            }
            ::_exit(1); // never return into the test runner
        }
        std::this_thread::sleep_for(std::chrono::microseconds(2000 + gen() % 20000));
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        if (GetParam() == SwapMethod::Best) {
            // With an atomic exchange, dest is complete even before recovery.
            EXPECT_NE(installed_version(paths.dest), "") << "round " << round;
        } else if (!fs::exists(paths.dest)) {
            ++missing_before_recovery;
        }
        recover_interrupted_install(paths);
        EXPECT_NE(installed_version(paths.dest), "") << "round " << round;
        EXPECT_FALSE(fs::exists(paths.staging));
        EXPECT_FALSE(fs::exists(paths.previous));
    }
    if (GetParam() == SwapMethod::RenameAside)
        std::printf("[ figures  ] rename-aside: dest missing before recovery in %d/30 kills\n",
                    missing_before_recovery);
}

INSTANTIATE_TEST_SUITE_P(Methods, AtomicInstallKill,
                         ::testing::Values(SwapMethod::Best, SwapMethod::RenameAside),
                         [](const auto& param_info) {
                             return param_info.param == SwapMethod::Best ? "Exchange"
                                                                         : "RenameAside";
                         });

} // namespace
} // namespace verifysdk::sdk
