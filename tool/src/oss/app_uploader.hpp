// Puts the built app into OSS, once: a HEAD first (an object of the same size
// and content is left alone), then PutObject with Content-MD5 and an ETag
// check, or, above 64 MiB, a multipart upload in 8 MiB parts sent by two
// workers (each with its own connection), the MD5 of every part computed as it
// is sent and checked against its ETag, every part retried on its own, and
// the whole upload aborted when it cannot finish (or when the app file changed
// meanwhile), so no orphan upload stays behind. Parts are streamed from the
// file, read once: memory use does not grow with the app's size.
#pragma once

#include "auth/credentials.hpp"
#include "log.hpp"
#include "net/http_client.hpp"
#include "net/retry_policy.hpp"
#include "oss/oss_location.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace verifysdk::oss {

inline constexpr std::uint64_t mib = 1024 * 1024;

struct UploadSettings {
    std::uint64_t part_size = 8 * mib;
    std::uint64_t multipart_threshold = 64 * mib; // larger apps go up in parts
    int workers = 2;                              // parts in flight at once
    net::RetryPolicy retry;                       // per request, per part
    std::string content_type = "application/octet-stream";
};

// Injectable so unit tests run without waiting or a real clock.
struct UploadHooks {
    std::function<void(std::chrono::milliseconds)> sleep;
    std::function<std::chrono::system_clock::time_point()> now;
};
UploadHooks default_upload_hooks();

// Makes the HttpClient of one multipart worker (each worker has its own).
using HttpClientFactory = std::function<std::unique_ptr<net::HttpClient>()>;
// Bytes confirmed by OSS so far, of `total`; called from worker threads, one at a time.
using UploadProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

struct UploadResult {
    bool uploaded = false; // false: an identical object was already there
    bool multipart = false;
    std::uint64_t size = 0;
    int parts = 0;
    int retries = 0; // attempts beyond the first, all requests together
    std::string upload_id;
};

// The metadata header that records the app's SHA-256 on the object: a
// multipart object's ETag is not the MD5 of its content, so the HEAD check
// compares this instead.
inline constexpr const char* sha256_meta_header = "x-oss-meta-sha256";

class AppUploader {
public:
    AppUploader(net::HttpClient& http, HttpClientFactory worker_clients,
                auth::Credentials credentials, ObjectLocation object, UploadSettings settings,
                Log log, UploadHooks hooks = default_upload_hooks());

    // `app_sha256` (lower-case hex, may be empty) is recorded on the object and
    // lets the HEAD check recognise an object uploaded in parts.
    UploadResult upload(const std::filesystem::path& app_file, const std::string& app_sha256,
                        const UploadProgress& progress = {});

private:
    struct Existing;
    std::optional<Existing> head();
    bool same_content(const Existing& existing, const std::filesystem::path& app_file,
                      std::uint64_t size, const std::string& app_sha256);
    void put_whole(const std::filesystem::path& app_file, std::uint64_t size,
                   const std::string& app_sha256, UploadResult& result);
    void put_in_parts(const std::filesystem::path& app_file, std::uint64_t size,
                      const std::string& app_sha256, const UploadProgress& progress,
                      UploadResult& result);
    std::string initiate(const std::string& app_sha256, int& retries);
    void complete(const std::string& upload_id, const std::vector<std::string>& etags,
                  std::uint64_t size, const std::string& app_sha256, int& retries);
    void abort(const std::string& upload_id);
    // Aborts uploads of the same key that began while InitiateMultipartUpload
    // was being retried: their answers were lost, their ids never seen.
    void abort_strays(const std::string& ours, std::chrono::seconds attempts_took);

    net::HttpClient& http_;
    HttpClientFactory worker_clients_;
    auth::Credentials credentials_;
    ObjectLocation object_;
    UploadSettings settings_;
    Log log_;
    UploadHooks hooks_;
};

} // namespace verifysdk::oss
