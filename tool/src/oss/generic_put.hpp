// --upload-put-url: the generic alternative to --upload for any other
// storage. The app is PUT, streamed, to a presigned address the user supplies
// (whose query string is never logged), then --app-url is submitted.
#pragma once

#include "log.hpp"
#include "net/http_client.hpp"
#include "net/retry_policy.hpp"
#include "oss/app_uploader.hpp"

#include <filesystem>
#include <string>

namespace verifysdk::oss {

// Throws a usage error unless `url` is an https address (plain http only to a
// loopback host) without credentials in it.
void check_put_url(const std::string& url);

struct PutResult {
    std::uint64_t size = 0;
    int retries = 0;
};

// PUT `app_file` to `put_url`. Network failures, HTTP 5xx and 429 are retried
// with the policy; any other error status fails (exit 4; the storage's
// <Error><Code> is reported when it sends one).
PutResult put_to_url(net::HttpClient& http, const std::string& put_url,
                     const std::filesystem::path& app_file, const net::RetryPolicy& retry,
                     const Log& log, const UploadHooks& hooks = default_upload_hooks());

} // namespace verifysdk::oss
