// How the built app becomes an address the service can fetch: as given
// (--app-url), uploaded to OSS and presigned (--upload oss://bucket/prefix/),
// or PUT to an address the user supplies (--upload-put-url, then --app-url).
// The address that identifies the app in state.json and the manifest never
// carries a query string; the presigned one is handed to CreateVerifySDK only.
#pragma once

#include "auth/credentials.hpp"
#include "log.hpp"
#include "net/http_client.hpp"
#include "net/retry_policy.hpp"
#include "net/transport_options.hpp"
#include "oss/oss_location.hpp"
#include "sdk/progress_reporter.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace verifysdk::sdk {

inline constexpr std::int64_t default_upload_expires_s = 3600;
inline constexpr std::int64_t max_upload_expires_s = 7 * 24 * 3600; // OSS's limit for V1

struct UploadOptions {
    std::string oss_uri;                               // --upload oss://bucket/prefix/
    std::string key;                                   // --upload-key: the whole object key
    std::int64_t expires_s = default_upload_expires_s; // --upload-expires
    std::string oss_region;                            // --oss-region
    std::string oss_endpoint;                          // --oss-endpoint
    std::string put_url;                               // --upload-put-url
};

struct PublishedApp {
    std::string submit_url;           // what CreateVerifySDK gets
    std::vector<std::string> secrets; // parts of submit_url that must never be shown
    std::chrono::system_clock::time_point expires_at{}; // presigned only
    bool uploaded = false; // bytes were sent (not skipped by the HEAD check)
};

class AppPublisher {
public:
    // Checks the options (usage errors, exit 2) without touching the network.
    AppPublisher(const UploadOptions& upload, std::string app_url, std::filesystem::path app_file);

    bool uploads_to_oss() const { return oss_.has_value(); }
    bool uses_put_url() const { return !upload_.put_url.empty(); }
    std::int64_t expires_s() const { return upload_.expires_s; }

    // The app's identity: the object's URL for --upload, else --app-url; no query.
    std::string stored_url() const;

    // Uploads the app when the options say so, then returns what to submit.
    PublishedApp publish(net::HttpClient& http, const net::TransportOptions& transport,
                         const auth::Credentials& credentials, const net::RetryPolicy& retry,
                         const std::string& app_sha256, ProgressStyle progress,
                         const Log& log) const;

private:
    UploadOptions upload_;
    std::string app_url_;
    std::filesystem::path app_file_;
    std::optional<oss::ObjectLocation> oss_;
};

} // namespace verifysdk::sdk
