// libcurl's URL parser behind RAII, shared by every place that takes an
// address apart (endpoints, OSS locations, download addresses).
#pragma once

#include <curl/curl.h>

#include <string>

namespace verifysdk::net {

class CurlUrl {
public:
    CurlUrl() = default;
    ~CurlUrl() { curl_url_cleanup(handle_); }
    CurlUrl(const CurlUrl&) = delete;
    CurlUrl& operator=(const CurlUrl&) = delete;

    // False when libcurl does not accept the text as a URL.
    bool set(const std::string& url, unsigned int flags = 0) {
        return curl_url_set(handle_, CURLUPART_URL, url.c_str(), flags) == CURLUE_OK;
    }
    // The part, or empty when it is absent.
    std::string part(CURLUPart which) const {
        char* value = nullptr;
        if (curl_url_get(handle_, which, &value, 0) != CURLUE_OK || value == nullptr)
            return {};
        std::string out(value);
        curl_free(value);
        return out;
    }
    CURLU* handle() const { return handle_; }

private:
    CURLU* handle_ = curl_url();
};

} // namespace verifysdk::net
