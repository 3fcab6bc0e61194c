// The two Cloudauth operations: sign, send, read the answer, retry what is
// worth retrying (each attempt signed afresh), and turn failures into errors
// with the exit codes of the README.
#pragma once

#include "api/rpc_signer.hpp"
#include "auth/credentials.hpp"
#include "log.hpp"
#include "net/endpoint.hpp"
#include "net/http_client.hpp"
#include "net/retry_policy.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace verifysdk::api {

inline constexpr const char* default_api_version = "2019-03-07";

struct ClientSettings {
    net::Endpoint endpoint;
    std::string api_version = default_api_version;
    std::string format = "JSON"; // JSON or XML
    std::string method = "POST";
    bool form_body = false;
    net::RetryPolicy retry;
};

struct CreateResult {
    std::string task_id;
    std::string request_id;
};

struct DescribeResult {
    std::string sdk_url; // empty while generating
    std::string request_id;
    bool ready() const { return !sdk_url.empty(); }
};

// Injectable so unit tests run without waiting or a real clock.
struct ClientHooks {
    std::function<void(std::chrono::milliseconds)> sleep;
    std::function<std::chrono::system_clock::time_point()> now;
    std::function<std::string()> nonce;
};
ClientHooks default_client_hooks();

class CloudauthClient {
public:
    CloudauthClient(net::HttpClient& http, auth::Credentials credentials, ClientSettings settings,
                    Log log, ClientHooks hooks = default_client_hooks());

    static RpcCall create_call(const ClientSettings& settings, const std::string& app_url,
                               const std::string& platform);
    static RpcCall describe_call(const ClientSettings& settings, const std::string& task_id);

    CreateResult create_verify_sdk(const std::string& app_url, const std::string& platform);
    DescribeResult describe_verify_sdk(const std::string& task_id);

    // The request as it would be sent now, for --dry-run.
    net::HttpRequest sign_now(const RpcCall& call) const;

    // Attempts made by the last operation (1 = no retry).
    int last_attempts() const { return last_attempts_; }

private:
    struct Answer;
    Answer call(const RpcCall& call);
    Answer call_unscrubbed(const RpcCall& call);

    net::HttpClient& http_;
    auth::Credentials credentials_;
    ClientSettings settings_;
    std::shared_ptr<const std::vector<std::string>> secrets_;
    Log log_;
    ClientHooks hooks_;
    std::mt19937_64 random_;
    int last_attempts_ = 0;
};

// Valid TaskIds: 1 to 128 characters of [A-Za-z0-9._-].
bool is_valid_task_id(const std::string& task_id);

} // namespace verifysdk::api
