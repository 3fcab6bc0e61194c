// Times verifysdk's archive install in isolation: one call of
// sdk::extract_sdk_archive (the function `fetch` uses to unpack the downloaded
// SDK into its staging folder), with the default limits.
//
//   verifysdk_extract_bench ARCHIVE STAGING
//
// STAGING is removed first if present (as fetch does). Prints one JSON line on
// stdout: {"seconds": <time inside extract_sdk_archive>, "entries": N,
// "bytes": N, "kind": "zip"}. Exit code: the tool's exit code on failure.
// run_benchmarks.py times the whole process as well, next to `bsdtar -xf`.
#include "error.hpp"
#include "sdk/archive_extractor.hpp"

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s ARCHIVE STAGING\n", argv[0]);
        return 2;
    }
    const std::filesystem::path archive = argv[1];
    const std::filesystem::path staging = argv[2];
    try {
        const auto started = std::chrono::steady_clock::now();
        const auto result =
            verifysdk::sdk::extract_sdk_archive(archive, staging, "cloudauth-offline-sdk.bin");
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        std::printf("{\"seconds\": %.6f, \"entries\": %zu, \"bytes\": %llu, \"kind\": \"%s\"}\n",
                    took.count(), result.entries, static_cast<unsigned long long>(result.bytes),
                    result.kind.c_str());
        return 0;
    } catch (const verifysdk::Error& failure) {
        std::fprintf(stderr, "verifysdk_extract_bench: %s\n", failure.what());
        return static_cast<int>(failure.code());
    } catch (const std::exception& failure) {
        std::fprintf(stderr, "verifysdk_extract_bench: %s\n", failure.what());
        return 1;
    }
}
