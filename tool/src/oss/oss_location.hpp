// Where an app goes in OSS: the bucket and prefix of `--upload oss://bucket/prefix/`,
// the object key, and the service address (`--oss-region` or `--oss-endpoint`)
// that together give the object's URL and the canonical resource a signature
// covers.
#pragma once

#include <filesystem>
#include <string>

namespace verifysdk::oss {

// `oss://bucket/prefix/`: the prefix is empty or ends with '/'
// ("oss://b/releases" is taken as the folder "releases/").
struct BucketPrefix {
    std::string bucket;
    std::string prefix;
};

// Throws a usage error (exit 2) for anything else than oss://<valid bucket>[/prefix].
BucketPrefix parse_oss_uri(const std::string& uri);

// The OSS service address. Region endpoints (https://oss-<region>.aliyuncs.com)
// use virtual-hosted addressing (https://<bucket>.<host>/<key>); a loopback
// --oss-endpoint (a local test server, plain http allowed) uses path-style
// addressing (<endpoint>/<bucket>/<key>) and may carry a path prefix.
struct OssEndpoint {
    std::string scheme;      // "https" or "http"
    std::string host;        // without port; IPv6 in brackets
    std::string port;        // empty: the scheme's default
    std::string path_prefix; // "" or "/oss" (no trailing slash); path-style only
    bool path_style = false;
};

// Throws a usage error for a region id with characters other than [a-z0-9-].
OssEndpoint oss_endpoint_for_region(const std::string& region);
// Throws a usage error for anything but an http(s) address without query or
// credentials; plain http only to a loopback host.
OssEndpoint parse_oss_endpoint(const std::string& url);

// Bucket names: 3-63 of [a-z0-9-], starting and ending with a letter or digit.
bool is_valid_bucket_name(const std::string& bucket);
// Object keys: 1-1023 bytes of valid UTF-8 without control characters, not
// starting with '/' or '\'.
bool is_valid_object_key(const std::string& key);

// <prefix><file name of app_file>, or `upload_key` when it is not empty.
// Throws a usage error when the key is not a valid object key.
std::string object_key_for(const BucketPrefix& where, const std::string& upload_key,
                           const std::filesystem::path& app_file);

struct ObjectLocation {
    OssEndpoint endpoint;
    std::string bucket;
    std::string key;

    // The object's address without a query, the key percent-encoded ('/' kept).
    std::string url() const;
    // "/<bucket>/<key>", the key as it is (what signatures cover), whatever the
    // addressing style or path prefix.
    std::string canonical_resource() const;
    // "oss://bucket/key", for messages.
    std::string display() const;
    // For messages: "oss-cn-hangzhou.aliyuncs.com" or "127.0.0.1:8080".
    std::string endpoint_display() const;
};

} // namespace verifysdk::oss
