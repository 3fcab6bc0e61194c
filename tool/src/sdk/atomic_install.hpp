// Makes the staged SDK become the destination folder so that, at every
// instant, dest is the complete old SDK or the complete new one, even if the
// process is killed at any step (the rename-aside fallback has one window
// where dest is missing; recover_interrupted_install closes it on the next
// run). Call both under the DirectoryLock.
#pragma once

#include "sdk/state_paths.hpp"

namespace verifysdk::sdk {

enum class SwapMethod {
    Best,        // an atomic exchange where the OS offers one, else RenameAside
    RenameAside, // rename(dest, previous) then rename(staging, dest)
};

// First flushes the staged files to disk (one syncfs on Linux, else an fsync
// per file), so the caller needs no flush of its own. Atomic exchange: Linux
// renameat2(RENAME_EXCHANGE), macOS renamex_np (RENAME_SWAP); used when dest
// exists and the file system supports it.
// Afterwards the old SDK is in `previous/` and is deleted (its
// verifysdk.lock.json first, so a half-deleted copy never looks complete). Parent folders are
// fsync'ed. Throws fs_error (exit 8) naming the folder when dest's parent is
// not writable or staging is on another file system; dest is untouched then.
void install_staging(const StatePaths& paths, SwapMethod method = SwapMethod::Best);

// To be called at the start of every fetch, under the lock. If dest is
// missing and `previous/` exists, a run died between the two renames of the
// fallback: `previous/` is moved back (it was dest a moment before, complete
// whether or not it has a verifysdk.lock.json: it may be an SDK installed by
// hand, which must never be deleted). Then removes leftover `staging/`,
// `previous/` and stale temp files (state root and dest top level).
// Throws fs_error.
void recover_interrupted_install(const StatePaths& paths);

} // namespace verifysdk::sdk
