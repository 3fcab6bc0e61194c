#include "api/cloudauth_client.hpp"

#include "api/redaction.hpp"
#include "api/response_reader.hpp"
#include "crypto/digest.hpp"
#include "interrupt.hpp"
#include "net/network_error.hpp"

#include <cctype>
#include <sstream>

namespace verifysdk::api {

namespace {

std::string seconds_text(std::chrono::milliseconds delay) {
    std::ostringstream out;
    out.precision(1);
    out << std::fixed << static_cast<double>(delay.count()) / 1000.0 << " s";
    return out.str();
}

bool is_credentials_code(const std::string& code) {
    return code == "SignatureDoesNotMatch" || code.rfind("InvalidAccessKeyId", 0) == 0 ||
           code.rfind("InvalidSecurityToken", 0) == 0 || code.rfind("Forbidden", 0) == 0;
}

std::string hint_for(const ServiceError& error, const std::string& key_id) {
    const std::string& code = error.code;
    if (code == "SignatureDoesNotMatch")
        return "check the AccessKeySecret: it does not match the AccessKeyId " +
               auth::redact_access_key_id(key_id);
    if (code.rfind("InvalidAccessKeyId", 0) == 0)
        return "the AccessKeyId " + auth::redact_access_key_id(key_id) +
               " is unknown or disabled; check the credentials in use";
    if (code.rfind("InvalidSecurityToken", 0) == 0)
        return "the STS token is expired or does not belong to the AccessKeyId; get a new one";
    if (code.rfind("Forbidden", 0) == 0)
        return "grant this RAM identity permission for Cloudauth's CreateVerifySDK and "
               "DescribeVerifySDK";
    if (code == "InvalidTimeStamp.Expired")
        return "this machine's clock is more than 15 minutes off; fix the clock (NTP) and run again";
    if (net::is_retryable_error_code(code))
        return "the service is busy or failing; run again later (--retries raises the attempts)";
    if (!error.recommend.empty())
        return "see " + error.recommend;
    return "check the request parameters";
}

Error service_failure(const std::string& action, const ServiceError& error,
                      const std::string& key_id) {
    std::string what = action + " failed";
    if (!error.message.empty())
        what += ": " + error.message;
    else
        what += " with HTTP " + std::to_string(error.status);
    return Error(is_credentials_code(error.code) ? ExitCode::Credentials : ExitCode::Service, what,
                 {.service_code = error.code.empty() ? "HTTP " + std::to_string(error.status)
                                                     : error.code,
                  .request_id = error.request_id,
                  .hint = hint_for(error, key_id)});
}

} // namespace

ClientHooks default_client_hooks() {
    return {sleep_interruptibly, [] { return std::chrono::system_clock::now(); },
            crypto::random_uuid};
}

bool is_valid_task_id(const std::string& task_id) {
    if (task_id.empty() || task_id.size() > 128)
        return false;
    for (unsigned char c : task_id)
        if (!std::isalnum(c) && c != '.' && c != '_' && c != '-')
            return false;
    return true;
}

struct CloudauthClient::Answer {
    ResponseDocument document;
    net::HttpResponse response;
};

CloudauthClient::CloudauthClient(net::HttpClient& http, auth::Credentials credentials,
                                 ClientSettings settings, Log log, ClientHooks hooks)
    : http_(http), credentials_(std::move(credentials)), settings_(std::move(settings)),
      // A service may echo the request back (SignatureDoesNotMatch carries its
      // StringToSign, AccessKeyId and SecurityToken included): nothing this
      // client logs or throws may show the credentials.
      secrets_(std::make_shared<const std::vector<std::string>>(std::vector<std::string>{
          credentials_.access_key_id, credentials_.access_key_secret,
          credentials_.security_token})),
      log_(scrubbing_log(log, secrets_)), hooks_(std::move(hooks)),
      random_(std::random_device{}()) {}

RpcCall CloudauthClient::create_call(const ClientSettings& settings, const std::string& app_url,
                                     const std::string& platform) {
    RpcCall call{"CreateVerifySDK", settings.api_version, settings.format, {{"AppUrl", app_url}},
                 settings.method, settings.form_body};
    if (!platform.empty()) {
        // The API spells platforms in upper case: ANDROID, IOS.
        std::string upper = platform;
        for (auto& c : upper)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        call.parameters.emplace_back("Platform", upper);
    }
    return call;
}

RpcCall CloudauthClient::describe_call(const ClientSettings& settings, const std::string& task_id) {
    return {"DescribeVerifySDK", settings.api_version, settings.format, {{"TaskId", task_id}},
            settings.method, settings.form_body};
}

net::HttpRequest CloudauthClient::sign_now(const RpcCall& call) const {
    return sign_rpc_call(settings_.endpoint, call, credentials_, format_timestamp(hooks_.now()),
                         hooks_.nonce());
}

CloudauthClient::Answer CloudauthClient::call_unscrubbed(const RpcCall& call) {
    const int attempts = settings_.retry.max_retries + 1;
    for (int attempt = 1;; ++attempt) {
        throw_if_interrupted();
        last_attempts_ = attempt;
        const net::HttpRequest request = sign_now(call); // fresh nonce and time every attempt
        log_.debug("> " + request.method + " " + redact_request_text(request.url) +
                   (request.body.empty() ? "" : "  body: " + redact_request_text(request.body)));

        std::string retry_reason;
        std::optional<std::chrono::milliseconds> hint;
        try {
            net::HttpResponse response = http_.send(request);
            hint = net::retry_after_hint(response.headers);
            log_.debug("< HTTP " + std::to_string(response.status) + " (" +
                       std::to_string(response.body.size()) + " bytes): " +
                       preview_bytes(response.body, 300));
            ResponseDocument document;
            try {
                document = read_response_document(response);
            } catch (const net::NetworkError& unreadable) {
                if (response.status >= 400 && response.status < 500 && response.status != 429)
                    throw Error(ExitCode::Service, call.action + " failed: " + unreadable.what(),
                                {.service_code = "HTTP " + std::to_string(response.status),
                                 .hint = "check --endpoint and any proxy between you and it"});
                throw;
            }
            const auto error = service_error_in(document, response.status);
            if (!error)
                return {std::move(document), std::move(response)};
            // HTTP 5xx and 429 are retried whatever their Code says.
            const bool retryable = net::is_retryable_error_code(error->code) ||
                                   error->status >= 500 || error->status == 429;
            if (!retryable || attempt >= attempts)
                throw service_failure(call.action, *error, credentials_.access_key_id);
            retry_reason = error->code.empty() ? "HTTP " + std::to_string(error->status)
                                               : error->code;
        } catch (const net::NetworkError& failure) {
            if (!failure.retryable() || attempt >= attempts) {
                if (attempt > 1)
                    throw net::NetworkError(std::string(failure.what()) + " (after " +
                                                std::to_string(attempt) + " attempts)",
                                            false, failure.details().hint);
                throw;
            }
            retry_reason = failure.what();
        }
        const auto delay = settings_.retry.delay(attempt - 1, hint, random_);
        log_.info(call.action + ": " + retry_reason + "; retrying in " + seconds_text(delay) +
                  " (attempt " + std::to_string(attempt + 1) + " of " + std::to_string(attempts) +
                  ")");
        hooks_.sleep(delay);
    }
}

CloudauthClient::Answer CloudauthClient::call(const RpcCall& rpc) {
    try {
        return call_unscrubbed(rpc);
    } catch (const net::NetworkError& failure) {
        throw net::NetworkError(scrub_secrets(failure.what(), *secrets_), failure.retryable(),
                                scrub_secrets(failure.details().hint, *secrets_));
    } catch (const Error& failure) {
        throw scrubbed_error(failure, *secrets_);
    }
}

CreateResult CloudauthClient::create_verify_sdk(const std::string& app_url,
                                                const std::string& platform) {
    const Answer answer = call(create_call(settings_, app_url, platform));
    CreateResult result;
    result.request_id = answer.document.get("RequestId").value_or("");
    const auto task_id = answer.document.first_of({"TaskId", "Data.TaskId"});
    if (!task_id || task_id->empty())
        throw Error(ExitCode::Service,
                    "CreateVerifySDK answered HTTP " + std::to_string(answer.response.status) +
                        " without a TaskId (first bytes: \"" +
                        preview_bytes(answer.response.body) + "\")",
                    {.service_code = "NoTaskId", .request_id = result.request_id,
                     .hint = "check --api-version and --endpoint"});
    if (!is_valid_task_id(*task_id))
        throw Error(ExitCode::Service,
                    "CreateVerifySDK returned a TaskId with unexpected characters: \"" +
                        preview_bytes(*task_id) + "\"",
                    {.service_code = "InvalidTaskId", .request_id = result.request_id,
                     .hint = "check --endpoint: it should be the Cloudauth API"});
    result.task_id = *task_id;
    return result;
}

DescribeResult CloudauthClient::describe_verify_sdk(const std::string& task_id) {
    if (!is_valid_task_id(task_id))
        throw usage_error("--task-id \"" + preview_bytes(task_id) + "\" is not a TaskId",
                          "use the TaskId that `verifysdk create` printed");
    const Answer answer = call(describe_call(settings_, task_id));
    DescribeResult result;
    result.request_id = answer.document.get("RequestId").value_or("");
    const auto sdk_url = answer.document.first_of({"SdkUrl", "Data.SdkUrl", "Data.Url"});
    if (!sdk_url)
        throw Error(ExitCode::Service,
                    "DescribeVerifySDK answered HTTP " + std::to_string(answer.response.status) +
                        " without an SdkUrl field (first bytes: \"" +
                        preview_bytes(answer.response.body) + "\")",
                    {.service_code = "NoSdkUrl", .request_id = result.request_id,
                     .hint = "check --api-version and --endpoint"});
    const std::string& url = *sdk_url;
    if (const std::string problem = net::download_address_problem(url, settings_.endpoint);
        !url.empty() && !problem.empty())
        throw Error(ExitCode::Service,
                    "DescribeVerifySDK returned an SDK address that cannot be used (" + problem +
                        "): \"" + preview_bytes(url) + "\"",
                    {.service_code = "InvalidSdkUrl", .request_id = result.request_id,
                     .hint = "report the TaskId " + task_id + " to Alibaba Cloud support"});
    result.sdk_url = url;
    return result;
}

} // namespace verifysdk::api
