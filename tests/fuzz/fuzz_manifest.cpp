// sdk::read_manifest on arbitrary bytes: verifysdk.lock.json is committed
// with the SDK and may be edited (or damaged) by hand; `verifysdk verify`
// and every fetch read it.
//
// The input is written to <scratch>/in/verifysdk.lock.json (read_manifest
// takes a path). Properties: a bad file is refused with verification_error
// (exit 7) only; try_read_manifest answers nullopt exactly then; an accepted
// manifest lists normalised, unique, sorted paths with well-formed hashes,
// and survives write_manifest + read_manifest unchanged.
#include "error.hpp"
#include "fuzz_support.hpp"
#include "sdk/entry_path.hpp"
#include "sdk/manifest.hpp"

#include <algorithm>

using namespace verifysdk;
namespace fs = std::filesystem;

namespace {

bool same(const sdk::Manifest& a, const sdk::Manifest& b) {
    return a.format_version == b.format_version && a.tool_version == b.tool_version &&
           a.api_version == b.api_version && a.endpoint_host == b.endpoint_host &&
           a.app_url == b.app_url && a.app_sha256 == b.app_sha256 && a.platform == b.platform &&
           a.task_id == b.task_id && a.sdk_sha256 == b.sdk_sha256 && a.sdk_size == b.sdk_size &&
           a.files == b.files && a.installed_at == b.installed_at &&
           a.options_digest == b.options_digest;
}

bool is_sha256_hex(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const fs::path in = [] {
        fs::create_directories(fuzz::scratch_dir() / "in");
        return fuzz::scratch_dir() / "in";
    }();
    static const fs::path out = [] {
        fs::create_directories(fuzz::scratch_dir() / "out");
        return fuzz::scratch_dir() / "out";
    }();
    fuzz::write_bytes(in / sdk::manifest_file_name,
                      std::string_view(reinterpret_cast<const char*>(data), size));

    sdk::Manifest manifest;
    try {
        manifest = sdk::read_manifest(in);
    } catch (const Error& error) {
        FUZZ_CHECK(error.code() == ExitCode::Verification);
        FUZZ_CHECK(!sdk::try_read_manifest(in).has_value());
        return 0;
    }
    // The file name itself is accepted as `where` too.
    const auto again = sdk::try_read_manifest(in / sdk::manifest_file_name);
    FUZZ_CHECK(again.has_value() && same(*again, manifest));

    FUZZ_CHECK(manifest.format_version == sdk::manifest_format_version);
    FUZZ_CHECK(is_sha256_hex(manifest.sdk_sha256));
    for (std::size_t i = 0; i < manifest.files.size(); ++i) {
        const auto& file = manifest.files[i];
        FUZZ_CHECK(sdk::normalise_entry_path(file.path) == file.path);
        FUZZ_CHECK(file.path != sdk::manifest_file_name);
        FUZZ_CHECK(is_sha256_hex(file.sha256));
        if (i > 0)
            FUZZ_CHECK(manifest.files[i - 1].path < file.path); // sorted, no duplicates
    }

    sdk::write_manifest(out, manifest);
    FUZZ_CHECK(same(sdk::read_manifest(out), manifest));
    return 0;
}
