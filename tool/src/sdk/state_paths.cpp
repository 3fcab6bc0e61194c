#include "sdk/state_paths.hpp"

#include "error.hpp"
#include "sdk/private_file.hpp"

#include <cerrno>
#include <string>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace verifysdk::sdk {

namespace fs = std::filesystem;

namespace {

constexpr const char* state_folder_name = ".verifysdk";

// mkdir that tolerates an existing folder; 0700 because download.part and
// state.json may carry signed addresses and task ids.
void make_private_dir(const fs::path& dir) {
    if (::mkdir(dir.c_str(), 0700) == 0)
        return;
    const int err = errno;
    struct stat st {};
    if (err == EEXIST && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        return;
    throw fs_error("cannot create folder " + dir.string() + ": " +
                       std::generic_category().message(err == EEXIST ? ENOTDIR : err),
                   "check that " + dir.parent_path().string() + " is a writable folder");
}

void require_writable(const fs::path& dir) {
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        const int err = errno;
        throw fs_error("folder " + dir.string() +
                           " is not writable: " + std::generic_category().message(err),
                       "fix the permissions of " + dir.string() + " or choose another destination");
    }
}

// `.verifysdk/` usually sits inside a committed third_party/ folder; a
// download.part of hundreds of MiB or a state.json must never be committed
// by a broad `git add`. Best effort: the tool works without it.
void write_gitignore(const fs::path& state_folder) {
    const fs::path file = state_folder / ".gitignore";
    try {
        UniqueFd fd = create_new_file(file, 0644);
        write_all(fd.get(), "# verifysdk's working files: never commit them.\n*\n", file);
    } catch (const Error&) {
        // Already there (EEXIST) or not writable: nothing to do.
    }
}

} // namespace

StatePaths state_paths_for(const fs::path& dest) {
    if (dest.empty())
        throw usage_error("the destination folder is empty");
    fs::path normal = fs::absolute(dest).lexically_normal();
    // "a/b/" normalises to "a/b/" whose filename is empty: drop the slash.
    if (!normal.has_filename() && normal.has_relative_path())
        normal = normal.parent_path();
    if (!normal.has_filename() || normal.filename() == "..")
        throw usage_error("cannot install into " + dest.string(),
                          "name a folder such as third_party/cloudauth-offline-sdk");

    StatePaths p;
    p.dest = normal;
    p.root = normal.parent_path() / state_folder_name / normal.filename();
    p.state_file = p.root / "state.json";
    p.lock_file = p.root / "lock";
    p.download_part = p.root / "download.part";
    p.staging = p.root / "staging";
    p.previous = p.root / "previous";
    p.digest_cache = p.root / "app-digest.json";
    return p;
}

void ensure_state_root(const StatePaths& paths) {
    const fs::path parent = paths.dest.parent_path();
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec)
        throw fs_error("cannot create folder " + parent.string() + ": " + ec.message(),
                       "check that the destination's parent folder is writable");
    make_private_dir(paths.root.parent_path());
    write_gitignore(paths.root.parent_path());
    make_private_dir(paths.root);
    require_writable(paths.root);
}

} // namespace verifysdk::sdk
