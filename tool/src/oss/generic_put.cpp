#include "oss/generic_put.hpp"

#include "error.hpp"
#include "interrupt.hpp"
#include "net/endpoint.hpp"
#include "net/network_error.hpp"
#include "oss/oss_error.hpp"
#include "sdk/url_redaction.hpp"

#include <curl/curl.h>

#include <cstdio>
#include <random>

namespace verifysdk::oss {

namespace {

std::string url_part(CURLU* handle, CURLUPart which) {
    char* value = nullptr;
    if (curl_url_get(handle, which, &value, 0) != CURLUE_OK || value == nullptr)
        return {};
    std::string out(value);
    curl_free(value);
    return out;
}

std::string seconds_text(std::chrono::milliseconds delay) {
    char out[32];
    std::snprintf(out, sizeof out, "%.1f s", static_cast<double>(delay.count()) / 1000.0);
    return out;
}

} // namespace

void check_put_url(const std::string& url) {
    CURLU* handle = curl_url();
    const bool parsed = curl_url_set(handle, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK;
    const std::string scheme = parsed ? url_part(handle, CURLUPART_SCHEME) : "";
    const std::string host = parsed ? url_part(handle, CURLUPART_HOST) : "";
    const bool userinfo = parsed && (!url_part(handle, CURLUPART_USER).empty() ||
                                     !url_part(handle, CURLUPART_PASSWORD).empty());
    curl_url_cleanup(handle);
    // The address itself is a secret: messages show it without its query.
    const std::string shown = sdk::redact_url(url);
    if (!parsed || (scheme != "https" && scheme != "http"))
        throw usage_error("--upload-put-url " + shown + " is not an http(s) address",
                          "pass the presigned PUT address your storage issued");
    if (scheme == "http" && !net::is_loopback_host(host))
        throw usage_error("--upload-put-url " + shown +
                              " uses plain http to a host that is not loopback",
                          "use an https:// address; plain http is only for local test servers");
    if (userinfo)
        throw usage_error("--upload-put-url may not carry a user name or password");
}

PutResult put_to_url(net::HttpClient& http, const std::string& put_url,
                     const std::filesystem::path& app_file, const net::RetryPolicy& retry,
                     const Log& log, const UploadHooks& hooks) {
    std::error_code error;
    const std::uint64_t size = std::filesystem::file_size(app_file, error);
    if (error)
        throw fs_error("cannot read " + app_file.string() + ": " + error.message());
    const std::string shown = sdk::redact_url(put_url);
    log.info("uploading " + app_file.filename().string() + " (" + std::to_string(size) + " B) to " +
             shown);
    net::HttpRequest request;
    request.method = "PUT";
    request.url = put_url;

    PutResult result;
    result.size = size;
    std::mt19937_64 random(std::random_device{}());
    const int attempts = retry.max_retries + 1;
    for (int attempt = 1;; ++attempt) {
        throw_if_interrupted();
        std::string reason;
        std::optional<std::chrono::milliseconds> server_hint;
        try {
            log.debug("> PUT " + shown + " (" + std::to_string(size) + " bytes)");
            const net::HttpResponse response = http.upload(request, app_file, 0, size);
            log.debug("< HTTP " + std::to_string(response.status));
            const auto failure = oss_error_in(response);
            if (!failure)
                return result;
            if (!is_retryable(*failure) || attempt >= attempts) {
                std::string what =
                    "uploading " + app_file.filename().string() + " to " + shown + " failed";
                what += failure->message.empty() ? " with HTTP " + std::to_string(failure->status)
                                                 : ": " + failure->message;
                const bool refused = failure->status == 401 || failure->status == 403;
                throw Error(ExitCode::Service, what,
                            {.service_code = failure->code.empty()
                                                 ? "HTTP " + std::to_string(failure->status)
                                                 : failure->code,
                             .request_id = failure->request_id,
                             .hint = refused ? "the address was refused: it may have expired, or "
                                               "be signed for another method or Content-Type; "
                                               "get a fresh presigned PUT address"
                                             : "check --upload-put-url"});
            }
            reason =
                failure->code.empty() ? "HTTP " + std::to_string(failure->status) : failure->code;
            server_hint = net::retry_after_hint(response.headers);
        } catch (const net::NetworkError& failure) {
            if (!failure.retryable() || attempt >= attempts)
                throw;
            reason = failure.what();
        }
        const auto delay = retry.delay(attempt - 1, server_hint, random);
        log.info("PUT " + shown + ": " + reason + "; retrying in " + seconds_text(delay) +
                 " (attempt " + std::to_string(attempt + 1) + " of " + std::to_string(attempts) +
                 ")");
        ++result.retries;
        hooks.sleep(delay);
    }
}

} // namespace verifysdk::oss
