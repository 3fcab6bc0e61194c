#include "oss/oss_error.hpp"

#include "auth/credentials.hpp"
#include "crypto/digest.hpp"

#include <pugixml.hpp>

namespace verifysdk::oss {

namespace {

std::string header(const net::HttpResponse& response, const char* name) {
    auto it = response.headers.find(name);
    return it == response.headers.end() ? std::string() : it->second;
}

bool read_error_xml(const std::string& text, OssError& error) {
    pugi::xml_document xml;
    if (text.empty() ||
        !xml.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8))
        return false;
    const pugi::xml_node root = xml.child("Error");
    if (!root)
        return false;
    error.code = root.child_value("Code");
    error.message = root.child_value("Message");
    error.request_id = root.child_value("RequestId");
    error.host_id = root.child_value("HostId");
    error.endpoint = root.child_value("Endpoint");
    return true;
}

// "oss-cn-shanghai.aliyuncs.com" -> "cn-shanghai"
std::string region_of(const std::string& endpoint) {
    constexpr std::string_view prefix = "oss-", suffix = ".aliyuncs.com";
    if (endpoint.size() > prefix.size() + suffix.size() && endpoint.rfind(prefix, 0) == 0 &&
        endpoint.compare(endpoint.size() - suffix.size(), suffix.size(), suffix) == 0)
        return endpoint.substr(prefix.size(), endpoint.size() - prefix.size() - suffix.size());
    return {};
}

bool is_credentials_error(const OssError& error) {
    if (!error.endpoint.empty())
        return false; // the right key at the wrong address
    const std::string& code = error.code;
    if (code.empty())
        return error.status == 401 || error.status == 403;
    return code == "AccessDenied" || code == "InvalidAccessKeyId" ||
           code == "SignatureDoesNotMatch" || code == "InvalidSecurityToken" ||
           code == "SecurityTokenExpired" || code == "AccessForbidden";
}

} // namespace

std::optional<OssError> oss_error_in(const net::HttpResponse& response) {
    if (response.status >= 200 && response.status < 300)
        return std::nullopt;
    OssError error;
    error.status = response.status;
    if (!read_error_xml(response.body, error)) {
        const std::string encoded = header(response, "x-oss-err");
        if (auto decoded = encoded.empty() ? std::nullopt : crypto::base64_decode(encoded))
            read_error_xml(*decoded, error);
    }
    if (error.request_id.empty())
        error.request_id = header(response, "x-oss-request-id");
    return error;
}

bool is_retryable(const OssError& error) {
    const std::string& code = error.code;
    return error.status >= 500 || error.status == 429 || code == "SlowDown" ||
           code == "InternalError" || code == "ServiceUnavailable" || code == "RequestTimeout";
}

std::string oss_hint(const OssError& error, const OssErrorContext& context) {
    const std::string& code = error.code;
    const std::string key = auth::redact_access_key_id(context.access_key_id);
    if (!error.endpoint.empty()) {
        const std::string region = region_of(error.endpoint);
        return "bucket " + context.bucket + " must be addressed at " + error.endpoint +
               (region.empty() ? "; pass --oss-endpoint https://" + error.endpoint
                               : "; pass --oss-region " + region);
    }
    if (code == "SignatureDoesNotMatch")
        return "check the AccessKeySecret: OSS says it does not match the AccessKeyId " + key;
    if (code == "InvalidAccessKeyId")
        return "the AccessKeyId " + key +
               " is unknown to OSS or disabled; check the credentials "
               "in use";
    if (code == "InvalidSecurityToken" || code == "SecurityTokenExpired")
        return "the STS token is expired or does not belong to the AccessKeyId; get a new one";
    if (is_credentials_error(error) && code.empty())
        return "OSS refused the AccessKey " + key +
               ": check its AccessKeySecret, and that it may "
               "oss:PutObject and oss:GetObject on bucket " +
               context.bucket;
    if (is_credentials_error(error))
        return "grant the AccessKey " + key +
               " oss:PutObject, oss:GetObject and "
               "oss:AbortMultipartUpload on bucket " +
               context.bucket + " (RAM policy or bucket policy)";
    if (code == "NoSuchBucket")
        return "there is no bucket " + context.bucket + " at " + context.endpoint +
               "; check the bucket name in --upload and the bucket's region (--oss-region)";
    if (code == "InvalidBucketName")
        return "check the bucket name in --upload";
    if (code == "InvalidObjectName" || code == "KeyTooLong")
        return "OSS does not accept this object key; choose another with --upload-key";
    if (code == "InvalidDigest" || code == "BadDigest")
        return "the app changed while it was uploaded, or something on the way altered it; "
               "run again once the build has finished writing it";
    if (code == "InvalidPart" || code == "InvalidPartOrder" || code == "NoSuchUpload" ||
        code == "EntityTooSmall")
        return "the multipart upload was lost or rejected; run again (a new upload is started)";
    if (code == "EntityTooLarge")
        return "the app is larger than this bucket accepts";
    if (code == "RequestTimeTooSkewed")
        return "this machine's clock is more than 15 minutes off; fix the clock (NTP) and run "
               "again";
    if (code == "InvalidArgument")
        return "check --upload, --upload-key and --oss-endpoint";
    if (is_retryable(error))
        return "OSS is busy or failing; run again later (--retries raises the attempts)";
    return "check --upload and --oss-region/--oss-endpoint";
}

Error oss_failure(const OssError& error, const OssErrorContext& context) {
    std::string what = context.action + " failed";
    if (!error.message.empty())
        what += ": " + error.message;
    else
        what += " with HTTP " + std::to_string(error.status);
    return Error(
        is_credentials_error(error) ? ExitCode::Credentials : ExitCode::Service, what,
        {.service_code = error.code.empty() ? "HTTP " + std::to_string(error.status) : error.code,
         .request_id = error.request_id,
         .hint = oss_hint(error, context)});
}

} // namespace verifysdk::oss
