// verifysdk fetch, the product's main job: decide whether anything needs
// doing, then submit (or resume), wait, download, extract, and swap the new
// SDK into place with its manifest, under a lock on the state folder.
#pragma once

#include "api/cloudauth_client.hpp"
#include "auth/credentials.hpp"
#include "log.hpp"
#include "net/http_client.hpp"
#include "net/transport_options.hpp"
#include "sdk/app_publisher.hpp"
#include "sdk/manifest.hpp"
#include "sdk/progress_reporter.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

namespace verifysdk::sdk {

enum class RefreshMode { Auto, Always, Never };

struct FetchOptions {
    std::string app_url;            // empty with upload.oss_uri
    std::filesystem::path app_file; // optional: its SHA-256 identifies the app version
    UploadOptions upload;           // --upload ... / --upload-put-url
    std::string platform;           // android, ios, or empty: detect
    std::filesystem::path dest = "third_party/cloudauth-offline-sdk";
    std::chrono::milliseconds wait_timeout{10 * 60 * 1000};
    RefreshMode refresh = RefreshMode::Auto;
    bool offline = false;
    bool keep_archive = false;
    bool dry_run = false;
};

struct FetchEnvironment {
    api::ClientSettings settings;
    net::TransportOptions transport;
    std::function<auth::Credentials()> credentials; // asked only when the network is needed
    Log log;
    ProgressStyle progress = ProgressStyle::Lines;
    bool terminal = false;
};

enum class FetchStatus { UpToDate, Installed, VerifiedOffline, DryRun };

struct FetchOutcome {
    FetchStatus status = FetchStatus::UpToDate;
    Manifest manifest;
    bool resumed_task = false;
    bool uploaded = false; // the app was sent to storage in this run
    int describe_calls = 0;
    net::HttpRequest dry_run_request; // with dry_run: what would be sent first
};

FetchOutcome run_fetch(const FetchOptions& options, const FetchEnvironment& environment);

} // namespace verifysdk::sdk
