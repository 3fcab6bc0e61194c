// The network behind one interface, so unit tests use a fake and the real
// implementation (libcurl) stays in one file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace verifysdk::net {

// Header names are stored lower-case.
using HeaderMap = std::map<std::string, std::string>;

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct HttpResponse {
    long status = 0;
    HeaderMap headers;
    std::string body;
};

// Receives a streamed download; either callback may throw to abort the transfer.
class DownloadSink {
public:
    virtual ~DownloadSink() = default;
    // Called once the status line and headers of the final response are in.
    virtual void on_headers(long status, const HeaderMap& headers) = 0;
    virtual void on_data(const char* data, std::size_t size) = 0;
};

struct DownloadRequest {
    std::string url;
    std::uint64_t resume_from = 0; // 0: whole file; otherwise Range: bytes=N-
    std::string if_range;          // ETag guarding a resumed transfer
};

class HttpClient {
public:
    virtual ~HttpClient() = default;
    // Transport failures throw Error(ExitCode::Network); any HTTP status is returned.
    virtual HttpResponse send(const HttpRequest& request) = 0;
    // Streams the body into the sink; returns the final status and headers.
    virtual HttpResponse download(const DownloadRequest& request, DownloadSink& sink) = 0;
};

} // namespace verifysdk::net
