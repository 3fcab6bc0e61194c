#include "net/curl_http_client.hpp"

#include "ascii.hpp"
#include "error.hpp"
#include "interrupt.hpp"
#include "net/network_error.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>

namespace verifysdk::net {

namespace {

bool is_redirect(long status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// State of one transfer, shared with libcurl's C callbacks.
struct Transfer {
    HttpResponse response;
    DownloadSink* sink = nullptr; // null: collect the body (API call)
    std::size_t max_body = 0;
    bool too_large = false;
    bool headers_delivered = false;
    bool survives_interrupt = false;
    std::exception_ptr failure;
};

// The request body of an upload: a byte range of a file, read as libcurl asks.
struct FileRangeSource {
    int fd = -1;
    std::string path;
    std::uint64_t start = 0, end = 0, next = 0; // absolute offsets
    Transfer* transfer = nullptr;
    UploadObserver* observer = nullptr;

    ~FileRangeSource() {
        if (fd >= 0)
            ::close(fd);
    }
};

extern "C" size_t on_header_line(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    std::string line(data, size * count);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
        line.pop_back();
    if (line.rfind("HTTP/", 0) == 0) {
        // A new response (after a redirect or 100-continue): forget earlier headers.
        transfer->response.headers.clear();
        transfer->headers_delivered = false;
        const auto space = line.find(' ');
        if (space != std::string::npos)
            transfer->response.status = std::strtol(line.c_str() + space + 1, nullptr, 10);
        return size * count;
    }
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        transfer->response.headers[ascii_lower(line.substr(0, colon))] = value;
    }
    return size * count;
}

extern "C" size_t on_body_bytes(char* data, size_t size, size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    if (transfer->sink == nullptr) {
        if (transfer->response.body.size() + bytes > transfer->max_body) {
            transfer->too_large = true;
            return 0;
        }
        transfer->response.body.append(data, bytes);
        return bytes;
    }
    if (is_redirect(transfer->response.status) && transfer->response.headers.count("location"))
        return bytes; // the body of a redirect we are about to follow
    try {
        if (!transfer->headers_delivered) {
            transfer->headers_delivered = true;
            transfer->sink->on_headers(transfer->response.status, transfer->response.headers);
        }
        transfer->sink->on_data(data, bytes);
        return bytes;
    } catch (...) {
        transfer->failure = std::current_exception();
        return 0;
    }
}

extern "C" size_t on_read_body(char* buffer, size_t size, size_t count, void* user) {
    auto* source = static_cast<FileRangeSource*>(user);
    const std::uint64_t left = source->end - source->next;
    const size_t want = static_cast<size_t>(std::min<std::uint64_t>(size * count, left));
    if (want == 0)
        return 0;
    for (;;) {
        const ssize_t got = ::pread(source->fd, buffer, want, static_cast<off_t>(source->next));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            const std::string why = got < 0 ? std::strerror(errno) : "it became shorter";
            source->transfer->failure = std::make_exception_ptr(
                fs_error("cannot read " + source->path + " while uploading it: " + why,
                         "do not change the app while verifysdk uploads it"));
            return CURL_READFUNC_ABORT;
        }
        source->next += static_cast<std::uint64_t>(got);
        if (source->observer != nullptr)
            source->observer->on_sent(buffer, static_cast<size_t>(got));
        return static_cast<size_t>(got);
    }
}

// libcurl rewinds the body when it must send the request again (a reused
// connection that turned out closed, a redirect).
extern "C" int on_seek_body(void* user, curl_off_t offset, int origin) {
    auto* source = static_cast<FileRangeSource*>(user);
    if (origin != SEEK_SET || offset < 0 ||
        static_cast<std::uint64_t>(offset) > source->end - source->start)
        return CURL_SEEKFUNC_CANTSEEK;
    if (source->observer != nullptr) {
        if (offset != 0) // the observer sees the body from its start only
            return CURL_SEEKFUNC_CANTSEEK;
        source->observer->restart();
    }
    source->next = source->start + static_cast<std::uint64_t>(offset);
    return CURL_SEEKFUNC_OK;
}

extern "C" int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* transfer = static_cast<const Transfer*>(user);
    return interrupted() && !transfer->survives_interrupt ? 1 : 0;
}

// Clean-up requests sent after Ctrl-C get this long at most.
constexpr long cleanup_timeout_ms = 15'000;

// Adds the user's CA bundle to the store libcurl already filled with the system CAs.
extern "C" CURLcode add_ca_file(CURL*, void* ssl_ctx, void* user) {
    const auto* ca_file = static_cast<const std::string*>(user);
    X509_STORE* store = SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(ssl_ctx));
    return X509_STORE_load_file(store, ca_file->c_str()) == 1 ? CURLE_OK : CURLE_SSL_CACERT_BADFILE;
}

NetworkError transport_error(CURLcode code, const char* detail, const std::string& url_host,
                             const std::string& ca_file) {
    std::string what = detail != nullptr && *detail != '\0' ? detail : curl_easy_strerror(code);
    switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
        return NetworkError("the TLS certificate of " + url_host + " could not be verified: " + what,
                            false,
                            ca_file.empty() ? "if the server uses a private CA, pass --ca-file"
                                            : "check that " + ca_file +
                                                  " holds the CA that signed the server's certificate");
    case CURLE_SSL_CACERT_BADFILE:
        return NetworkError("cannot load the CA bundle " + ca_file, false,
                            "pass a PEM file with --ca-file");
    case CURLE_SSL_CONNECT_ERROR:
        return NetworkError("TLS handshake with " + url_host + " failed: " + what, false,
                            "the server must offer TLS 1.2 or newer");
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return NetworkError("cannot use the address: " + what, false);
    default:
        return NetworkError("network failure talking to " + url_host + ": " + what, true,
                            "check the network and proxy settings, then run again");
    }
}

std::string host_of(const std::string& url) {
    const auto start = url.find("://");
    const auto from = start == std::string::npos ? 0 : start + 3;
    const auto end = url.find_first_of("/?#", from);
    return url.substr(from, end == std::string::npos ? std::string::npos : end - from);
}

struct HeaderList {
    curl_slist* list = nullptr;
    ~HeaderList() { curl_slist_free_all(list); }
    void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

} // namespace

struct CurlHttpClient::Impl {
    TransportOptions options;
    CURL* handle = nullptr;
    char error_buffer[CURL_ERROR_SIZE] = {};

    void reset(const std::string& url) {
        curl_easy_reset(handle);
        error_buffer[0] = '\0';
        curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
        curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
        curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(handle, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
        curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!options.ca_file.empty()) {
            curl_easy_setopt(handle, CURLOPT_SSL_CTX_FUNCTION, add_ca_file);
            curl_easy_setopt(handle, CURLOPT_SSL_CTX_DATA, &options.ca_file);
        }
        curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(options.connect_timeout.count()));
        curl_easy_setopt(handle, CURLOPT_USERAGENT, options.user_agent.c_str());
        curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header_line);
        curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body_bytes);
    }

    HttpResponse perform(Transfer& transfer, const std::string& url) {
        curl_easy_setopt(handle, CURLOPT_HEADERDATA, &transfer);
        curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
        curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &transfer);
        const CURLcode code = curl_easy_perform(handle);
        if (transfer.failure)
            std::rethrow_exception(transfer.failure);
        if (!transfer.survives_interrupt)
            throw_if_interrupted();
        if (transfer.too_large)
            throw NetworkError("the answer from " + host_of(url) + " is larger than " +
                                   std::to_string(options.max_response_bytes / 1024) + " KiB",
                               true, "check --endpoint: it should be the Cloudauth API");
        if (code != CURLE_OK)
            throw transport_error(code, error_buffer, host_of(url), options.ca_file);
        curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &transfer.response.status);
        return std::move(transfer.response);
    }
};

CurlHttpClient::CurlHttpClient(TransportOptions options) : impl_(std::make_unique<Impl>()) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    impl_->options = std::move(options);
    impl_->handle = curl_easy_init();
    if (impl_->handle == nullptr)
        throw NetworkError("libcurl could not be initialised", false);
}

CurlHttpClient::~CurlHttpClient() { curl_easy_cleanup(impl_->handle); }

HttpResponse CurlHttpClient::send(const HttpRequest& request) {
    impl_->reset(request.url);
    CURL* handle = impl_->handle;
    HeaderList headers;
    for (const auto& [name, value] : request.headers)
        headers.add(name + ": " + value);
    headers.add("Expect:"); // no 100-continue round trip for small bodies
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.list);
    long timeout_ms = static_cast<long>(impl_->options.request_timeout.count());
    if (request.survives_interrupt)
        timeout_ms = std::min(timeout_ms, cleanup_timeout_ms);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, timeout_ms);
    if (request.method == "POST") {
        curl_easy_setopt(handle, CURLOPT_POST, 1L);
        curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.c_str());
        curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
    } else if (request.method == "HEAD") {
        curl_easy_setopt(handle, CURLOPT_NOBODY, 1L); // no body follows, whatever Content-Length says
    } else if (request.method != "GET") {
        curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    Transfer transfer;
    transfer.max_body = impl_->options.max_response_bytes;
    transfer.survives_interrupt = request.survives_interrupt;
    return impl_->perform(transfer, request.url);
}

HttpResponse CurlHttpClient::upload(const HttpRequest& request, const std::filesystem::path& file,
                                    std::uint64_t offset, std::uint64_t length,
                                    UploadObserver* observer) {
    Transfer transfer;
    transfer.max_body = impl_->options.max_response_bytes;
    transfer.survives_interrupt = request.survives_interrupt;
    FileRangeSource source;
    source.path = file.string();
    source.fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (source.fd < 0)
        throw fs_error("cannot read " + source.path + ": " + std::strerror(errno));
    source.start = source.next = offset;
    source.end = offset + length;
    source.transfer = &transfer;
    source.observer = observer;

    impl_->reset(request.url);
    CURL* handle = impl_->handle;
    HeaderList headers;
    for (const auto& [name, value] : request.headers)
        headers.add(name + ": " + value);
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.list);
    curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L); // PUT with Content-Length
    if (request.method != "PUT")
        curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(length));
    curl_easy_setopt(handle, CURLOPT_READFUNCTION, on_read_body);
    curl_easy_setopt(handle, CURLOPT_READDATA, &source);
    curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, on_seek_body);
    curl_easy_setopt(handle, CURLOPT_SEEKDATA, &source);
    curl_easy_setopt(handle, CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024L);
    // A stalled transfer fails (and is retried); a slow one may take its time.
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME,
                     static_cast<long>(impl_->options.stall_timeout.count() / 1000));
    return impl_->perform(transfer, request.url);
}

HttpResponse CurlHttpClient::download(const DownloadRequest& request, DownloadSink& sink) {
    // Redirects are followed here rather than by libcurl, so that the sink can
    // judge every address before anything is sent to it.
    constexpr int max_redirects = 5;
    const bool https_only = request.url.rfind("https:", 0) == 0;
    std::string url = request.url;
    for (int redirects = 0;; ++redirects) {
        impl_->reset(url);
        CURL* handle = impl_->handle;
        curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME,
                         static_cast<long>(impl_->options.stall_timeout.count() / 1000));
        curl_easy_setopt(handle, CURLOPT_BUFFERSIZE, 512L * 1024L);
        HeaderList headers;
        if (request.resume_from > 0) {
            headers.add("Range: bytes=" + std::to_string(request.resume_from) + "-");
            if (!request.if_range.empty())
                headers.add("If-Range: " + request.if_range);
        }
        curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.list);
        Transfer transfer;
        transfer.sink = &sink;
        HttpResponse response = impl_->perform(transfer, url);
        char* location = nullptr;
        if (is_redirect(response.status) &&
            curl_easy_getinfo(handle, CURLINFO_REDIRECT_URL, &location) == CURLE_OK &&
            location != nullptr) {
            const std::string next = location;
            const std::string scheme = ascii_lower(next.substr(0, next.find(':')));
            // Never from https down to http, never to any other scheme.
            if (scheme != "https" && (https_only || scheme != "http"))
                throw NetworkError("cannot use the address: the download was redirected to a " +
                                       scheme + ": address",
                                   false);
            if (redirects == max_redirects)
                throw NetworkError("the SDK download was redirected more than " +
                                       std::to_string(max_redirects) + " times",
                                   false);
            sink.on_redirect(next);
            url = next;
            continue;
        }
        // Deliver headers even for an empty body.
        if (!transfer.headers_delivered)
            sink.on_headers(response.status, response.headers);
        return response;
    }
}

} // namespace verifysdk::net
