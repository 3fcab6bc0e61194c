#include "oss/oss_location.hpp"

#include "api/percent_encoding.hpp"
#include "error.hpp"
#include "net/curl_url.hpp"
#include "net/endpoint.hpp"

#include <curl/curl.h>

namespace verifysdk::oss {

namespace {

bool is_lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Well-formed UTF-8 (no overlong forms, no surrogates) and no C0/DEL controls.
bool is_clean_utf8(const std::string& text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f)
            return false;
        if (c < 0x80) {
            ++i;
            continue;
        }
        int extra = 0;
        unsigned int code = 0;
        if ((c & 0xe0) == 0xc0) {
            extra = 1;
            code = c & 0x1fu;
        } else if ((c & 0xf0) == 0xe0) {
            extra = 2;
            code = c & 0x0fu;
        } else if ((c & 0xf8) == 0xf0) {
            extra = 3;
            code = c & 0x07u;
        } else {
            return false;
        }
        if (i + static_cast<std::size_t>(extra) >= text.size())
            return false;
        for (int k = 1; k <= extra; ++k) {
            const auto next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
            if ((next & 0xc0) != 0x80)
                return false;
            code = (code << 6) | (next & 0x3fu);
        }
        const unsigned int minimum[] = {0, 0x80, 0x800, 0x10000};
        if (code < minimum[extra] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
            return false;
        i += static_cast<std::size_t>(extra) + 1;
    }
    return true;
}

// Every byte but unreserved characters and '/' as %XY: RFC 3986 encoding of
// each path segment.
std::string encode_key(const std::string& key) {
    std::string out;
    std::size_t start = 0;
    for (auto slash = key.find('/'); slash != std::string::npos; slash = key.find('/', start)) {
        out += api::percent_encode(std::string_view(key).substr(start, slash - start)) + '/';
        start = slash + 1;
    }
    return out + api::percent_encode(std::string_view(key).substr(start));
}

std::string authority(const OssEndpoint& endpoint, const std::string& host) {
    return host + (endpoint.port.empty() ? "" : ":" + endpoint.port);
}

} // namespace

bool is_valid_bucket_name(const std::string& bucket) {
    if (bucket.size() < 3 || bucket.size() > 63)
        return false;
    for (char c : bucket)
        if (!is_lower_alnum(c) && c != '-')
            return false;
    return is_lower_alnum(bucket.front()) && is_lower_alnum(bucket.back());
}

bool is_valid_object_key(const std::string& key) {
    return !key.empty() && key.size() <= 1023 && key.front() != '/' && key.front() != '\\' &&
           is_clean_utf8(key);
}

BucketPrefix parse_oss_uri(const std::string& uri) {
    constexpr std::string_view scheme = "oss://";
    const std::string example = "use a form such as oss://my-bucket/releases/";
    if (uri.rfind(scheme, 0) != 0)
        throw usage_error("--upload " + uri + " is not an oss:// address", example);
    const std::string rest = uri.substr(scheme.size());
    const auto slash = rest.find('/');
    BucketPrefix where;
    where.bucket = rest.substr(0, slash);
    if (!is_valid_bucket_name(where.bucket))
        throw usage_error("--upload " + uri + ": \"" + where.bucket + "\" is not a bucket name",
                          "bucket names have 3 to 63 lower-case letters, digits and hyphens");
    if (slash != std::string::npos)
        where.prefix = rest.substr(slash + 1);
    if (where.prefix.find_first_of("?#") != std::string::npos)
        throw usage_error("--upload " + uri + " may not contain '?' or '#'", example);
    if (!where.prefix.empty() && where.prefix.back() != '/')
        where.prefix += '/';
    if (!where.prefix.empty() && !is_valid_object_key(where.prefix))
        throw usage_error("--upload " + uri + " has a prefix OSS does not accept",
                          "the prefix must be UTF-8 without control characters and may not "
                          "start with '/'");
    return where;
}

OssEndpoint oss_endpoint_for_region(const std::string& region) {
    if (region.empty())
        throw usage_error("--oss-region is empty", "use a region id such as cn-hangzhou");
    for (char c : region)
        if (!is_lower_alnum(c) && c != '-')
            throw usage_error("--oss-region " + region + " is not a region id",
                              "use a region id such as cn-hangzhou");
    return {"https", "oss-" + region + ".aliyuncs.com", "", "", false};
}

OssEndpoint parse_oss_endpoint(const std::string& url) {
    net::CurlUrl parsed;
    if (!parsed.set(url))
        throw usage_error("--oss-endpoint " + url + " is not a valid address",
                          "use a form such as https://oss-cn-hangzhou.aliyuncs.com");
    // As for --endpoint: libcurl decodes some escapes in a host and keeps
    // others, so an address with any would not mean what it says.
    if (url.find('%') != std::string::npos)
        throw usage_error("--oss-endpoint " + url + " may not contain percent-escapes",
                          "use a form such as https://oss-cn-hangzhou.aliyuncs.com");
    OssEndpoint endpoint;
    endpoint.scheme = parsed.part(CURLUPART_SCHEME);
    endpoint.host = parsed.part(CURLUPART_HOST);
    endpoint.port = parsed.part(CURLUPART_PORT);
    if (endpoint.scheme != "https" && endpoint.scheme != "http")
        throw usage_error("--oss-endpoint must be an https:// address, not " + endpoint.scheme +
                          "://");
    const bool loopback = net::is_loopback_host(endpoint.host);
    if (endpoint.scheme == "http" && !loopback)
        throw usage_error("--oss-endpoint " + url +
                              " uses plain http to a host that is not loopback",
                          "use https://; plain http is only for local test servers");
    if (!parsed.part(CURLUPART_USER).empty() || !parsed.part(CURLUPART_PASSWORD).empty() ||
        !parsed.part(CURLUPART_QUERY).empty() || !parsed.part(CURLUPART_FRAGMENT).empty())
        throw usage_error("--oss-endpoint must be an address without credentials or query");
    if (endpoint.host.find(':') != std::string::npos && endpoint.host.front() != '[')
        endpoint.host = "[" + endpoint.host + "]";
    std::string path = parsed.part(CURLUPART_PATH);
    while (!path.empty() && path.back() == '/')
        path.pop_back();
    endpoint.path_style = loopback;
    if (!path.empty() && !endpoint.path_style)
        throw usage_error(
            "--oss-endpoint " + url + " has a path",
            "give the bare OSS endpoint, such as https://oss-cn-hangzhou.aliyuncs.com");
    endpoint.path_prefix = path;
    return endpoint;
}

std::string object_key_for(const BucketPrefix& where, const std::string& upload_key,
                           const std::filesystem::path& app_file) {
    const std::string key =
        upload_key.empty() ? where.prefix + app_file.filename().string() : upload_key;
    if (!is_valid_object_key(key))
        throw usage_error("\"" + key + "\" cannot be an OSS object key",
                          "keys are 1 to 1023 bytes of UTF-8 without control characters, not "
                          "starting with '/'; choose one with --upload-key");
    return key;
}

std::string ObjectLocation::url() const {
    if (endpoint.path_style)
        return endpoint.scheme + "://" + authority(endpoint, endpoint.host) + endpoint.path_prefix +
               "/" + bucket + "/" + encode_key(key);
    return endpoint.scheme + "://" + authority(endpoint, bucket + "." + endpoint.host) + "/" +
           encode_key(key);
}

std::string ObjectLocation::canonical_resource() const {
    return "/" + bucket + "/" + key;
}

std::string ObjectLocation::display() const {
    return "oss://" + bucket + "/" + key;
}

std::string ObjectLocation::endpoint_display() const {
    return authority(endpoint, endpoint.host) + endpoint.path_prefix;
}

} // namespace verifysdk::oss
