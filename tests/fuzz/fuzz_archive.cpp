// sdk::extract_sdk_archive on arbitrary bytes: the downloaded SDK is the
// tool's most exposed input. Zip, tar and tar.gz (chosen by magic bytes, as
// the tool does) and the plain-file fallback, into a staging folder in this
// process's scratch folder, with small limits so that each run stays fast.
//
// Properties:
// - refusals are verification_error (exit 7), or fs_error (exit 8) for what
//   the file system rejects (a name too long), and remove the staging folder;
// - nothing is written beside the staging folder;
// - an accepted archive leaves only folders, regular files and symlinks whose
//   targets resolve inside the staging folder, within the entry and byte
//   limits, and the reported byte count is the sum of the file sizes.
#include "error.hpp"
#include "fuzz_support.hpp"
#include "sdk/archive_extractor.hpp"

#include <vector>

using namespace verifysdk;
namespace fs = std::filesystem;

namespace {

// Lexical resolution of a link's target from its folder (relative to the
// staging folder) must stay inside it.
bool stays_inside(const fs::path& link_relative, const fs::path& target) {
    if (target.is_absolute())
        return false;
    std::vector<std::string> folder;
    for (const auto& part : link_relative.parent_path())
        folder.push_back(part.string());
    for (const auto& part : target) {
        const std::string name = part.string();
        if (name.empty() || name == ".")
            continue;
        if (name == "..") {
            if (folder.empty())
                return false;
            folder.pop_back();
        } else {
            folder.push_back(name);
        }
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fs::path& scratch = fuzz::scratch_dir();
    const fs::path archive = scratch / "sdk.download";
    const fs::path staging = scratch / "staging";
    fuzz::write_bytes(archive, std::string_view(reinterpret_cast<const char*>(data), size));

    sdk::ExtractLimits limits;
    limits.max_entries = 64;
    limits.max_total_bytes = 4u << 20;
    sdk::ExtractResult result;
    try {
        result = sdk::extract_sdk_archive(archive, staging, "sdk.bin", limits);
    } catch (const Error& error) {
        FUZZ_CHECK(error.code() == ExitCode::Verification ||
                   error.code() == ExitCode::FileSystem);
        FUZZ_CHECK(!fs::exists(fs::symlink_status(staging)));
        return 0;
    }

    // Only the download and the staging folder beside each other.
    for (const auto& entry : fs::directory_iterator(scratch)) {
        const auto name = entry.path().filename();
        FUZZ_CHECK(name == "sdk.download" || name == "staging");
    }
    FUZZ_CHECK(fs::is_directory(fs::symlink_status(staging)));
    FUZZ_CHECK(result.entries <= limits.max_entries);
    FUZZ_CHECK(result.bytes <= limits.max_total_bytes);
    if (result.kind == "file") {
        FUZZ_CHECK(result.bytes == size);
        FUZZ_CHECK(fs::is_regular_file(fs::symlink_status(staging / "sdk.bin")));
    }

    std::uint64_t file_bytes = 0;
    for (auto it = fs::recursive_directory_iterator(staging);
         it != fs::recursive_directory_iterator(); ++it) {
        const auto status = it->symlink_status();
        const fs::path relative = it->path().lexically_relative(staging);
        if (fs::is_symlink(status)) {
            const fs::path target = fs::read_symlink(it->path());
            if (!stays_inside(relative, target)) {
                std::fprintf(stderr, "symlink %s -> %s leaves the staging folder\n",
                             relative.c_str(), target.c_str());
                FUZZ_CHECK(false);
            }
        } else if (fs::is_regular_file(status)) {
            file_bytes += it->file_size();
        } else {
            FUZZ_CHECK(fs::is_directory(status));
        }
    }
    FUZZ_CHECK(file_bytes == result.bytes);
    return 0;
}
