// Alibaba Cloud RPC signature version 1 (HMAC-SHA1), and the signed request
// built from it. Pure functions: the clock and the nonce come from the caller.
#pragma once

#include "auth/credentials.hpp"
#include "net/endpoint.hpp"
#include "net/http_client.hpp"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace verifysdk::api {

using Parameters = std::vector<std::pair<std::string, std::string>>;

// Sorted by percent-encoded name (byte order), joined as name=value with '&'.
std::string canonical_query(const Parameters& parameters);
// METHOD & %2F & percent-encode(canonical query)
std::string string_to_sign(const std::string& method, const std::string& canonical);
// Base64(HMAC-SHA1(secret + "&", string to sign))
std::string rpc_signature(const std::string& access_key_secret, const std::string& to_sign);

// UTC, YYYY-MM-DDThh:mm:ssZ
std::string format_timestamp(std::chrono::system_clock::time_point when);

struct RpcCall {
    std::string action;
    std::string version;
    std::string format = "JSON";  // JSON or XML
    Parameters parameters;        // the action's own parameters
    std::string method = "POST";  // the official SDKs' way: POST, parameters in the query
    bool form_body = false;       // POST only: action parameters in a form body instead
};

// Adds the common parameters, signs, and lays the result out as an HTTP request.
net::HttpRequest sign_rpc_call(const net::Endpoint& endpoint, const RpcCall& call,
                               const auth::Credentials& credentials, const std::string& timestamp,
                               const std::string& nonce);

} // namespace verifysdk::api
