// OSS error answers: <Error><Code>..</Code><Message>..</Message>...</Error> in
// the body, or base64-encoded in the x-oss-err header of a HEAD answer (which
// has no body), read with pugixml; which are worth another attempt; and how
// each becomes an exit code with a message saying what to do.
#pragma once

#include "error.hpp"
#include "net/http_client.hpp"

#include <optional>
#include <string>

namespace verifysdk::oss {

struct OssError {
    long status = 0;
    std::string code; // empty when the answer carried no readable <Error>
    std::string message;
    std::string request_id;
    std::string host_id;
    std::string endpoint; // <Endpoint>: where the bucket must be addressed
};

// nullopt for a 2xx answer; otherwise what the answer says.
std::optional<OssError> oss_error_in(const net::HttpResponse& response);

// SlowDown, InternalError, ServiceUnavailable, RequestTimeout, HTTP 5xx and 429.
bool is_retryable(const OssError& error);

// What the error is about, for its message and hint.
struct OssErrorContext {
    std::string action; // "uploading app.apk to oss://bucket/key"
    std::string bucket;
    std::string endpoint;      // "oss-cn-hangzhou.aliyuncs.com"
    std::string access_key_id; // shown by its last 4 characters only
};

// AccessDenied, InvalidAccessKeyId, SignatureDoesNotMatch, InvalidSecurityToken,
// SecurityTokenExpired (or a bare 401/403) -> exit 3; everything else -> exit 4
// (RequestTimeTooSkewed with a hint about the clock).
Error oss_failure(const OssError& error, const OssErrorContext& context);

// The one-line hint for an error code.
std::string oss_hint(const OssError& error, const OssErrorContext& context);

} // namespace verifysdk::oss
