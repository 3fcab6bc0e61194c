// HttpClient on libcurl: TLS 1.2+, verification always on, proxies from the
// environment, timeouts, a size cap on API answers. One handle, reused, so
// polling keeps its connection alive.
#pragma once

#include "net/http_client.hpp"
#include "net/transport_options.hpp"

#include <memory>

namespace verifysdk::net {

class CurlHttpClient final : public HttpClient {
public:
    explicit CurlHttpClient(TransportOptions options);
    ~CurlHttpClient() override;
    CurlHttpClient(const CurlHttpClient&) = delete;
    CurlHttpClient& operator=(const CurlHttpClient&) = delete;

    HttpResponse send(const HttpRequest& request) override;
    HttpResponse download(const DownloadRequest& request, DownloadSink& sink) override;
    HttpResponse upload(const HttpRequest& request, const std::filesystem::path& file,
                        std::uint64_t offset, std::uint64_t length,
                        UploadObserver* observer = nullptr) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace verifysdk::net
