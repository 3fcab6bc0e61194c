// Where the tool keeps its working files for one destination folder. All path
// handling for that layout lives here (see design.md, "Files it owns").
#pragma once

#include <filesystem>

namespace verifysdk::sdk {

struct StatePaths {
    std::filesystem::path dest;          // the installed SDK folder (absolute, normal)
    std::filesystem::path root;          // <parent of dest>/.verifysdk/<dest name>
    std::filesystem::path state_file;    // root/state.json: running generation
    std::filesystem::path lock_file;     // root/lock: flock'ed while working
    std::filesystem::path download_part; // root/download.part: resumable download
    std::filesystem::path staging;       // root/staging/: the new SDK being unpacked
    std::filesystem::path previous;      // root/previous/: the old SDK during a swap
    std::filesystem::path digest_cache;  // root/app-digest.json: cached app SHA-256
};

// Pure path arithmetic, touches nothing. `dest` may be relative and may end
// with a slash. Throws usage_error when `dest` has no name (e.g. "/").
StatePaths state_paths_for(const std::filesystem::path& dest);

// Creates the parent of dest if missing (ordinary mode: it is the user's
// project folder), then `.verifysdk/` and the state root with mode 0700, and
// a `.verifysdk/.gitignore` ("*") so the working files are never committed.
// Throws fs_error (exit 8) naming the folder that cannot be created or written.
void ensure_state_root(const StatePaths& paths);

} // namespace verifysdk::sdk
