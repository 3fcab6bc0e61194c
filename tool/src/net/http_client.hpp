// The network behind one interface, so unit tests use a fake and the real
// implementation (libcurl) stays in one file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
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
    // Sent even after Ctrl-C, for clean-up such as aborting a multipart upload
    // (the transfer then has a short time limit of its own).
    bool survives_interrupt = false;
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
    // Called before a redirect to `location` (absolute, same scheme rules as
    // the first address already checked) is followed; throw to refuse it.
    virtual void on_redirect(const std::string& location) = 0;
};

struct DownloadRequest {
    std::string url;
    std::uint64_t resume_from = 0; // 0: whole file; otherwise Range: bytes=N-
    std::string if_range;          // ETag guarding a resumed transfer
};

// Sees the body of an upload as it leaves, e.g. to hash it. When libcurl
// must send the body again (a reused connection turned out closed), restart()
// comes before the bytes are seen again. Must not throw.
class UploadObserver {
public:
    virtual ~UploadObserver() = default;
    virtual void restart() = 0;
    virtual void on_sent(const char* data, std::size_t size) = 0;
};

class HttpClient {
public:
    virtual ~HttpClient() = default;
    // Transport failures throw Error(ExitCode::Network); any HTTP status is returned.
    virtual HttpResponse send(const HttpRequest& request) = 0;
    // Streams the body into the sink; returns the final status and headers.
    virtual HttpResponse download(const DownloadRequest& request, DownloadSink& sink) = 0;
    // Sends `length` bytes of `file` from `offset` as the body of `request`
    // (whose own body is ignored), streamed from the file in constant memory,
    // with Content-Length. The answer's body is collected as for send().
    // Transport failures throw Error(ExitCode::Network); a file that cannot be
    // read throws Error(ExitCode::FileSystem). `observer`, if any, sees every
    // body byte sent. The default implementation is for fakes of clients that
    // never upload.
    virtual HttpResponse upload(const HttpRequest& request, const std::filesystem::path& file,
                                std::uint64_t offset, std::uint64_t length,
                                UploadObserver* observer = nullptr) {
        (void)file;
        (void)offset;
        (void)length;
        (void)observer;
        throw std::logic_error("this HttpClient cannot upload (" + request.url + ")");
    }
};

} // namespace verifysdk::net
