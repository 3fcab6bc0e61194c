#include "api/rpc_signer.hpp"

#include "api/percent_encoding.hpp"
#include "crypto/digest.hpp"

#include <algorithm>
#include <ctime>

namespace verifysdk::api {

namespace {

std::string join_encoded(const Parameters& parameters) {
    std::string out;
    for (const auto& [name, value] : parameters) {
        if (!out.empty())
            out += '&';
        out += percent_encode(name) + '=' + percent_encode(value);
    }
    return out;
}

} // namespace

std::string canonical_query(const Parameters& parameters) {
    std::vector<std::pair<std::string, std::string>> encoded;
    encoded.reserve(parameters.size());
    for (const auto& [name, value] : parameters)
        encoded.emplace_back(percent_encode(name), percent_encode(value));
    std::sort(encoded.begin(), encoded.end());
    std::string out;
    for (const auto& [name, value] : encoded) {
        if (!out.empty())
            out += '&';
        out += name + '=' + value;
    }
    return out;
}

std::string string_to_sign(const std::string& method, const std::string& canonical) {
    return method + "&" + percent_encode("/") + "&" + percent_encode(canonical);
}

std::string rpc_signature(const std::string& access_key_secret, const std::string& to_sign) {
    return crypto::base64_encode(crypto::hmac_sha1(access_key_secret + "&", to_sign));
}

std::string format_timestamp(std::chrono::system_clock::time_point when) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

net::HttpRequest sign_rpc_call(const net::Endpoint& endpoint, const RpcCall& call,
                               const auth::Credentials& credentials, const std::string& timestamp,
                               const std::string& nonce) {
    Parameters common = {
        {"Action", call.action},
        {"Version", call.version},
        {"Format", call.format},
        {"AccessKeyId", credentials.access_key_id},
        {"SignatureMethod", "HMAC-SHA1"},
        {"SignatureVersion", "1.0"},
        {"SignatureNonce", nonce},
        {"Timestamp", timestamp},
    };
    if (!credentials.security_token.empty())
        common.emplace_back("SecurityToken", credentials.security_token);

    const bool in_body = call.form_body && call.method == "POST";
    Parameters query = common;
    if (!in_body)
        query.insert(query.end(), call.parameters.begin(), call.parameters.end());

    Parameters everything = common;
    everything.insert(everything.end(), call.parameters.begin(), call.parameters.end());
    const std::string signature = rpc_signature(
        credentials.access_key_secret, string_to_sign(call.method, canonical_query(everything)));
    query.emplace_back("Signature", signature);

    net::HttpRequest request;
    request.method = call.method;
    request.url = endpoint.base + "/?" + join_encoded(query);
    if (in_body) {
        request.body = join_encoded(call.parameters);
        request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    }
    return request;
}

} // namespace verifysdk::api
