// Downloads the generated SDK into the state folder: streamed to
// download.part with SHA-256 computed on the fly (constant memory), resumed
// with Range + If-Range after a broken transfer or a killed process, and
// re-addressed through DescribeVerifySDK when the signed address expires.
#pragma once

#include "log.hpp"
#include "net/http_client.hpp"
#include "net/retry_policy.hpp"
#include "sdk/progress_reporter.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace verifysdk::sdk {

struct DownloadTarget {
    std::filesystem::path part_file; // download.part
    std::filesystem::path meta_file; // what the part belongs to: TaskId, ETag, size
    std::string task_id;
};

struct DownloadedSdk {
    std::string sha256;
    std::uint64_t size = 0;
    int requests = 0;
    int resumed_requests = 0;
};

// Returns a fresh download address (asks DescribeVerifySDK again).
using AddressRefresher = std::function<std::string()>;
// Says what is wrong with an address a redirect leads to; empty: usable.
using AddressCheck = std::function<std::string(const std::string& url)>;

// An SDK is tens of MiB; a download beyond this is refused (exit 7), whether
// announced by Content-Length or trickled without one.
inline constexpr std::uint64_t max_sdk_download_bytes = 4ull << 30;

DownloadedSdk download_sdk(net::HttpClient& http, std::string url,
                           const AddressRefresher& refresh_address,
                           const AddressCheck& redirect_problem, const DownloadTarget& target,
                           const net::RetryPolicy& retry, ProgressStyle progress, const Log& log);

} // namespace verifysdk::sdk
