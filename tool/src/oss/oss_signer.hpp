// OSS signature version 1: the header form (Authorization: OSS <id>:<signature>)
// for the tool's own requests, and the query form (a presigned GET address)
// that lets the Cloudauth service fetch the uploaded app.
//
//   StringToSign = VERB \n Content-MD5 \n Content-Type \n Date-or-Expires \n
//                  CanonicalizedOSSHeaders CanonicalizedResource
//   Signature    = Base64(HMAC-SHA1(AccessKeySecret, StringToSign))
#pragma once

#include "auth/credentials.hpp"
#include "net/http_client.hpp"
#include "oss/oss_location.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace verifysdk::oss {

// A signed sub-resource such as `uploads` (no value) or `uploadId=...`: it is
// part of both the URL's query and the canonical resource.
struct SubResource {
    std::string name;
    std::optional<std::string> value;
};

// "/bucket/key" plus the sub-resources sorted by name: "?partNumber=1&uploadId=x".
std::string canonical_resource(const std::string& bucket_and_key,
                               std::vector<SubResource> sub_resources);

// Lower-case names starting with x-oss-, sorted, each "name:value\n" (values
// trimmed); other headers are ignored.
std::string canonical_oss_headers(const std::vector<std::pair<std::string, std::string>>& headers);

struct StringToSignParts {
    std::string verb;
    std::string content_md5;
    std::string content_type;
    std::string date; // the Date header, or the Expires seconds of a presigned address
    std::vector<std::pair<std::string, std::string>> headers; // x-oss-* are signed
    std::string canonical_resource;
};

std::string string_to_sign(const StringToSignParts& parts);
// Base64(HMAC-SHA1(secret, string_to_sign)).
std::string sign(const std::string& access_key_secret, const std::string& string_to_sign);

// RFC 1123 in GMT: "Thu, 17 Nov 2005 18:49:58 GMT".
std::string http_date(std::chrono::system_clock::time_point when);

// One request to an object, to be signed in the header form.
struct ObjectRequest {
    std::string method = "GET";
    std::vector<SubResource> sub_resources; // also sent as the query
    std::string content_type;
    std::string content_md5;                                      // Base64 of the raw MD5, or empty
    std::vector<std::pair<std::string, std::string>> oss_headers; // x-oss-meta-*, ...
    std::vector<std::pair<std::string, std::string>> query;       // unsigned, e.g. prefix
    std::string body;                                             // for send(); ignored by uploads
};

// The request with Date, Content-Type/Content-MD5 when given, the x-oss-*
// headers (x-oss-security-token with STS) and Authorization.
net::HttpRequest sign_object_request(const ObjectLocation& object, const ObjectRequest& request,
                                     const auth::Credentials& credentials,
                                     std::chrono::system_clock::time_point now);

// A GET address valid until `expires` (Unix seconds): the object URL with
// OSSAccessKeyId, Expires, Signature and, with STS, security-token (which is
// then signed as a sub-resource).
std::string presign_get_url(const ObjectLocation& object, const auth::Credentials& credentials,
                            std::int64_t expires);

} // namespace verifysdk::oss
