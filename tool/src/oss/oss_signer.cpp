#include "oss/oss_signer.hpp"

#include "ascii.hpp"
#include "api/percent_encoding.hpp"
#include "crypto/digest.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>

namespace verifysdk::oss {

namespace {

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

std::string query_of(const ObjectRequest& request) {
    std::string query;
    for (const auto& sub : request.sub_resources) {
        query += query.empty() ? "?" : "&";
        query += api::percent_encode(sub.name);
        if (sub.value)
            query += "=" + api::percent_encode(*sub.value);
    }
    for (const auto& [name, value] : request.query)
        query += (query.empty() ? "?" : "&") + api::percent_encode(name) + "=" +
                 api::percent_encode(value);
    return query;
}

} // namespace

std::string canonical_resource(const std::string& bucket_and_key,
                               std::vector<SubResource> sub_resources) {
    std::stable_sort(sub_resources.begin(), sub_resources.end(),
                     [](const SubResource& a, const SubResource& b) { return a.name < b.name; });
    std::string out = bucket_and_key;
    char separator = '?';
    for (const auto& sub : sub_resources) {
        out += separator;
        out += sub.name;
        if (sub.value)
            out += "=" + *sub.value;
        separator = '&';
    }
    return out;
}

std::string canonical_oss_headers(const std::vector<std::pair<std::string, std::string>>& headers) {
    std::map<std::string, std::string> sorted;
    for (const auto& [name, value] : headers) {
        const std::string key = ascii_lower(trim(name));
        if (key.rfind("x-oss-", 0) != 0)
            continue;
        auto [it, inserted] = sorted.emplace(key, trim(value));
        if (!inserted) // repeated headers are joined with commas
            it->second += "," + trim(value);
    }
    std::string out;
    for (const auto& [name, value] : sorted)
        out += name + ":" + value + "\n";
    return out;
}

std::string string_to_sign(const StringToSignParts& parts) {
    return parts.verb + "\n" + parts.content_md5 + "\n" + parts.content_type + "\n" + parts.date +
           "\n" + canonical_oss_headers(parts.headers) + parts.canonical_resource;
}

std::string sign(const std::string& access_key_secret, const std::string& text) {
    return crypto::base64_encode(crypto::hmac_sha1(access_key_secret, text));
}

std::string http_date(std::chrono::system_clock::time_point when) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    // Day and month names in English whatever the locale.
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char out[40];
    std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[utc.tm_wday],
                  utc.tm_mday, months[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                  utc.tm_sec);
    return out;
}

net::HttpRequest sign_object_request(const ObjectLocation& object, const ObjectRequest& request,
                                     const auth::Credentials& credentials,
                                     std::chrono::system_clock::time_point now) {
    StringToSignParts parts;
    parts.verb = request.method;
    parts.content_md5 = request.content_md5;
    parts.content_type = request.content_type;
    parts.date = http_date(now);
    parts.headers = request.oss_headers;
    if (!credentials.security_token.empty())
        parts.headers.emplace_back("x-oss-security-token", credentials.security_token);
    parts.canonical_resource =
        canonical_resource(object.canonical_resource(), request.sub_resources);

    net::HttpRequest out;
    out.method = request.method;
    out.url = object.url() + query_of(request);
    out.body = request.body;
    out.headers.emplace_back("Date", parts.date);
    if (!parts.content_type.empty())
        out.headers.emplace_back("Content-Type", parts.content_type);
    if (!parts.content_md5.empty())
        out.headers.emplace_back("Content-MD5", parts.content_md5);
    for (const auto& header : parts.headers)
        out.headers.push_back(header);
    out.headers.emplace_back("Authorization",
                             "OSS " + credentials.access_key_id + ":" +
                                 sign(credentials.access_key_secret, string_to_sign(parts)));
    return out;
}

std::string presign_get_url(const ObjectLocation& object, const auth::Credentials& credentials,
                            std::int64_t expires) {
    std::vector<SubResource> signed_subs;
    if (!credentials.security_token.empty())
        signed_subs.push_back({"security-token", credentials.security_token});
    StringToSignParts parts;
    parts.verb = "GET";
    parts.date = std::to_string(expires);
    parts.canonical_resource = canonical_resource(object.canonical_resource(), signed_subs);
    const std::string signature = sign(credentials.access_key_secret, string_to_sign(parts));

    std::string url =
        object.url() + "?OSSAccessKeyId=" + api::percent_encode(credentials.access_key_id) +
        "&Expires=" + std::to_string(expires) + "&Signature=" + api::percent_encode(signature);
    if (!credentials.security_token.empty())
        url += "&security-token=" + api::percent_encode(credentials.security_token);
    return url;
}

} // namespace verifysdk::oss
