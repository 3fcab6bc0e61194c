#include "sdk/app_publisher.hpp"

#include "ascii.hpp"
#include "api/percent_encoding.hpp"
#include "error.hpp"
#include "net/curl_http_client.hpp"
#include "oss/app_uploader.hpp"
#include "oss/generic_put.hpp"
#include "oss/oss_signer.hpp"
#include "sdk/url_redaction.hpp"

#include <cstdio>
#include <mutex>

namespace verifysdk::sdk {

namespace {

namespace fs = std::filesystem;

std::string content_type_for(const fs::path& app_file) {
    const std::string extension = ascii_lower(app_file.extension().string());
    return extension == ".apk" ? "application/vnd.android.package-archive"
                               : "application/octet-stream";
}

std::string rate_text(std::uint64_t bytes, double seconds) {
    char out[64];
    std::snprintf(out, sizeof out, "%.1f s, %.1f MB/s", seconds,
                  seconds > 0 ? static_cast<double>(bytes) / seconds / 1e6 : 0.0);
    return out;
}

} // namespace

AppPublisher::AppPublisher(const UploadOptions& upload, std::string app_url, fs::path app_file)
    : upload_(upload), app_url_(std::move(app_url)), app_file_(std::move(app_file)) {
    const bool oss = !upload_.oss_uri.empty();
    if (!oss &&
        (!upload_.key.empty() || !upload_.oss_region.empty() || !upload_.oss_endpoint.empty()))
        throw usage_error("--upload-key, --oss-region and --oss-endpoint need --upload",
                          "pass --upload oss://bucket/prefix/");
    if (oss && !upload_.put_url.empty())
        throw usage_error("--upload and --upload-put-url cannot be used together");
    if ((oss || uses_put_url()) && app_file_.empty())
        throw usage_error(std::string(oss ? "--upload" : "--upload-put-url") +
                              " needs --app-file: the built app to upload",
                          "pass the path of the built APK/IPA with --app-file");
    if (upload_.expires_s < 1 || upload_.expires_s > max_upload_expires_s)
        throw usage_error("--upload-expires " + std::to_string(upload_.expires_s) +
                              " is out of range",
                          "give 1 to 604800 seconds (7 days)");
    if (uses_put_url()) {
        oss::check_put_url(upload_.put_url);
        if (app_url_.empty())
            throw usage_error("--upload-put-url needs --app-url: the address the service "
                              "fetches the app from once it is uploaded");
    }
    if (!oss) {
        if (app_url_.empty())
            throw usage_error("fetch needs --app-url, or --upload to publish --app-file",
                              "pass --app-url https://..., or --upload oss://bucket/prefix/");
        return;
    }
    if (!app_url_.empty())
        throw usage_error("--app-url and --upload cannot be used together",
                          "with --upload the app's address is the uploaded object");
    if (!upload_.oss_region.empty() && !upload_.oss_endpoint.empty())
        throw usage_error("--oss-region and --oss-endpoint cannot be used together");
    if (upload_.oss_region.empty() && upload_.oss_endpoint.empty())
        throw usage_error("--upload needs the bucket's region",
                          "pass --oss-region (such as cn-hangzhou) or --oss-endpoint URL");
    const oss::BucketPrefix where = oss::parse_oss_uri(upload_.oss_uri);
    oss::ObjectLocation location;
    location.endpoint = upload_.oss_region.empty()
                            ? oss::parse_oss_endpoint(upload_.oss_endpoint)
                            : oss::oss_endpoint_for_region(upload_.oss_region);
    location.bucket = where.bucket;
    location.key = oss::object_key_for(where, upload_.key, app_file_);
    oss_ = std::move(location);
}

std::string AppPublisher::stored_url() const {
    return oss_ ? oss_->url() : strip_query(app_url_);
}

PublishedApp AppPublisher::publish(net::HttpClient& http, const net::TransportOptions& transport,
                                   const auth::Credentials& credentials,
                                   const net::RetryPolicy& retry, const std::string& app_sha256,
                                   ProgressStyle progress, const Log& log) const {
    PublishedApp published;
    const auto started = std::chrono::steady_clock::now();
    const auto seconds_since_start = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    if (uses_put_url()) {
        const oss::PutResult put = oss::put_to_url(http, upload_.put_url, app_file_, retry, log);
        log.info("uploaded " + app_file_.filename().string() + " (" +
                 rate_text(put.size, seconds_since_start()) + ")");
        published.submit_url = app_url_;
        published.uploaded = true;
        return published;
    }
    if (!oss_) {
        published.submit_url = app_url_;
        return published;
    }

    oss::UploadSettings settings;
    settings.retry = retry;
    settings.content_type = content_type_for(app_file_);
    oss::AppUploader uploader(
        http, [transport] { return std::make_unique<net::CurlHttpClient>(transport); }, credentials,
        *oss_, settings, log);
    ProgressReporter reporter(progress, "uploading " + app_file_.filename().string());
    bool reporting = false;
    const oss::UploadResult result =
        uploader.upload(app_file_, app_sha256, [&](std::uint64_t done, std::uint64_t total) {
            if (!reporting) {
                reporting = true;
                reporter.start(0, total);
            }
            reporter.advance(done);
        });
    if (reporting)
        reporter.finish();
    if (result.uploaded)
        log.info("uploaded " + app_file_.filename().string() + " to " + oss_->display() + " (" +
                 rate_text(result.size, seconds_since_start()) +
                 (result.multipart ? ", " + std::to_string(result.parts) + " parts" : "") +
                 (result.retries ? ", " + std::to_string(result.retries) + " retries" : "") + ")");

    // The service fetches the app through a short-lived GET address.
    const auto now = std::chrono::system_clock::now();
    published.expires_at = now + std::chrono::seconds(upload_.expires_s);
    const std::int64_t expires =
        std::chrono::duration_cast<std::chrono::seconds>(published.expires_at.time_since_epoch())
            .count();
    published.submit_url = oss::presign_get_url(*oss_, credentials, expires);
    published.uploaded = result.uploaded;
    const std::string query = published.submit_url.substr(published.submit_url.find('?') + 1);
    published.secrets = {query};
    // The Signature and the token as they appear in the query.
    for (const char* name : {"Signature=", "security-token="}) {
        const auto at = query.find(name);
        if (at == std::string::npos)
            continue;
        const auto start = at + std::char_traits<char>::length(name);
        const auto end = query.find('&', start);
        const std::string value = query.substr(start, end == std::string::npos ? end : end - start);
        published.secrets.push_back(value);
        published.secrets.push_back(api::percent_decode(value));
    }
    log.debug("presigned GET address of " + oss_->display() + " valid for " +
              std::to_string(upload_.expires_s) + " s");
    return published;
}

} // namespace verifysdk::sdk
