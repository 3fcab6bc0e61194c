#include "oss/app_uploader.hpp"

#include "ascii.hpp"
#include "crypto/digest.hpp"
#include "error.hpp"
#include "interrupt.hpp"
#include "net/network_error.hpp"
#include "oss/oss_error.hpp"
#include "oss/oss_signer.hpp"
#include "sdk/file_version.hpp"
#include "sdk/progress_reporter.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace verifysdk::oss {

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t max_parts = 10'000;         // OSS's limit
constexpr std::uint64_t min_part_size = 100 * 1024; // OSS's smallest part but the last

std::string header(const net::HttpResponse& response, const char* name) {
    auto it = response.headers.find(name);
    return it == response.headers.end() ? std::string() : it->second;
}

// "\"5EB63BBBE01EEED093CB22BB8F5ACDC3\"" -> "5eb63bbbe01eeed093cb22bb8f5acdc3"
std::string etag_value(std::string etag) {
    if (etag.rfind("W/", 0) == 0)
        etag.erase(0, 2);
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
        etag = etag.substr(1, etag.size() - 2);
    return ascii_lower(etag);
}

bool is_md5_hex(const std::string& text) {
    return text.size() == 32 &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
}

std::string seconds_text(std::chrono::milliseconds delay) {
    char out[32];
    std::snprintf(out, sizeof out, "%.1f s", static_cast<double>(delay.count()) / 1000.0);
    return out;
}

// "2026-12-04T23:00:00.000Z" (OSS's Initiated) -> Unix seconds.
std::optional<std::int64_t> unix_seconds(const std::string& iso) {
    std::tm utc{};
    if (iso.empty() || iso.back() != 'Z' ||
        std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &utc.tm_year, &utc.tm_mon, &utc.tm_mday,
                    &utc.tm_hour, &utc.tm_min, &utc.tm_sec) != 6)
        return std::nullopt;
    utc.tm_year -= 1900;
    utc.tm_mon -= 1;
    return static_cast<std::int64_t>(timegm(&utc));
}

// Thrown inside a worker when another worker failed: stop quietly.
struct StopRequested {};

// The MD5 of a part as it leaves, checked against the ETag OSS answers: one
// read of the file per part, and the hashing keeps pace with the connection.
class SentMd5 final : public net::UploadObserver {
public:
    void restart() override { md5_ = crypto::Md5(); }
    void on_sent(const char* data, std::size_t size) override { md5_.update(data, size); }
    // Once: the digest finishes the hash.
    std::string hex() { return crypto::hex_encode(md5_.digest()); }

private:
    crypto::Md5 md5_;
};

// One request, signed afresh for every attempt, until OSS accepts it or gives
// an answer not worth repeating.
class Retrier {
public:
    Retrier(const net::RetryPolicy& policy, const UploadHooks& hooks, const Log& log,
            OssErrorContext context, const std::atomic<bool>* stop = nullptr)
        : policy_(policy), hooks_(hooks), log_(log), context_(std::move(context)), stop_(stop),
          random_(std::random_device{}()) {}

    // `final_answer` may accept an error status as an answer (HEAD's 404).
    template <class Attempt>
    net::HttpResponse run(const std::string& label, Attempt&& attempt,
                          const std::function<bool(const net::HttpResponse&)>& final_answer = {}) {
        const int attempts = policy_.max_retries + 1;
        for (int n = 1;; ++n) {
            throw_if_interrupted();
            if (stop_ != nullptr && stop_->load())
                throw StopRequested{};
            std::string reason;
            std::optional<std::chrono::milliseconds> server_hint;
            try {
                net::HttpResponse response = attempt();
                log_.debug("< HTTP " + std::to_string(response.status) + " for " + label +
                           (header(response, "etag").empty()
                                ? ""
                                : " (ETag " + header(response, "etag") + ")"));
                if (final_answer && final_answer(response))
                    return response;
                const auto error = oss_error_in(response);
                if (!error)
                    return response;
                if (!is_retryable(*error) || n >= attempts)
                    throw oss_failure(*error, context_);
                reason =
                    error->code.empty() ? "HTTP " + std::to_string(error->status) : error->code;
                server_hint = net::retry_after_hint(response.headers);
            } catch (const net::NetworkError& failure) {
                if (!failure.retryable() || n >= attempts) {
                    if (n > 1)
                        throw net::NetworkError(std::string(failure.what()) + " (" + label +
                                                    ", after " + std::to_string(n) + " attempts)",
                                                false, failure.details().hint);
                    throw;
                }
                reason = failure.what();
            }
            const auto delay = policy_.delay(n - 1, server_hint, random_);
            log_.info(label + ": " + reason + "; retrying in " + seconds_text(delay) +
                      " (attempt " + std::to_string(n + 1) + " of " + std::to_string(attempts) +
                      ")");
            ++retries;
            hooks_.sleep(delay);
        }
    }

    int retries = 0;

private:
    const net::RetryPolicy& policy_;
    const UploadHooks& hooks_;
    const Log& log_;
    OssErrorContext context_;
    const std::atomic<bool>* stop_;
    std::mt19937_64 random_;
};

// Log lines from several workers, one at a time.
Log serialized(const Log& log, const std::shared_ptr<std::mutex>& mutex) {
    auto wrap = [mutex](std::function<void(const std::string&)> sink) {
        return [mutex, sink = std::move(sink)](const std::string& line) {
            std::lock_guard<std::mutex> lock(*mutex);
            sink(line);
        };
    };
    return {wrap(log.debug), wrap(log.info), wrap(log.warn)};
}

} // namespace

UploadHooks default_upload_hooks() {
    return {sleep_interruptibly, [] { return std::chrono::system_clock::now(); }};
}

struct AppUploader::Existing {
    std::uint64_t size = 0;
    std::string etag; // unquoted, lower case
    std::string sha256;
};

AppUploader::AppUploader(net::HttpClient& http, HttpClientFactory worker_clients,
                         auth::Credentials credentials, ObjectLocation object,
                         UploadSettings settings, Log log, UploadHooks hooks)
    : http_(http), worker_clients_(std::move(worker_clients)), credentials_(std::move(credentials)),
      object_(std::move(object)), settings_(std::move(settings)), log_(std::move(log)),
      hooks_(std::move(hooks)) {}

UploadResult AppUploader::upload(const fs::path& app_file, const std::string& app_sha256,
                                 const UploadProgress& progress) {
    std::error_code error;
    const std::uint64_t size = fs::file_size(app_file, error);
    if (error)
        throw fs_error("cannot read " + app_file.string() + ": " + error.message());
    UploadResult result;
    result.size = size;
    if (const auto existing = head();
        existing && same_content(*existing, app_file, size, app_sha256)) {
        log_.info(object_.display() + " already holds this app (same size and content); not "
                                      "uploading it again");
        return result;
    }
    result.uploaded = true;
    result.multipart = size > settings_.multipart_threshold;
    if (result.multipart)
        put_in_parts(app_file, size, app_sha256, progress, result);
    else
        put_whole(app_file, size, app_sha256, result);
    return result;
}

std::optional<AppUploader::Existing> AppUploader::head() {
    Retrier retrier(settings_.retry, hooks_, log_,
                    {"checking " + object_.display(), object_.bucket, object_.endpoint_display(),
                     credentials_.access_key_id});
    ObjectRequest request;
    request.method = "HEAD";
    bool missing = false;
    const net::HttpResponse response = retrier.run(
        "HEAD " + object_.display(),
        [&] {
            const auto signed_request =
                sign_object_request(object_, request, credentials_, hooks_.now());
            log_.debug("> HEAD " + signed_request.url);
            return http_.send(signed_request);
        },
        [&](const net::HttpResponse& answer) {
            const auto error = oss_error_in(answer);
            // No such object: upload it. A refusal without details (a HEAD answer
            // has no body; OSS repeats the error in x-oss-err, other servers may
            // not): the upload's answer will say what is wrong, precisely.
            missing =
                error && ((error->status == 404 && error->code != "NoSuchBucket") ||
                          ((error->status == 401 || error->status == 403) && error->code.empty()));
            return missing;
        });
    if (missing)
        return std::nullopt;
    Existing existing;
    existing.size = std::strtoull(header(response, "content-length").c_str(), nullptr, 10);
    existing.etag = etag_value(header(response, "etag"));
    existing.sha256 = ascii_lower(header(response, sha256_meta_header));
    return existing;
}

bool AppUploader::same_content(const Existing& existing, const fs::path& app_file,
                               std::uint64_t size, const std::string& app_sha256) {
    if (existing.size != size)
        return false;
    if (!app_sha256.empty() && existing.sha256 == ascii_lower(app_sha256))
        return true;
    // A single-PUT object's ETag is the MD5 of its content.
    return is_md5_hex(existing.etag) &&
           existing.etag == crypto::hex_encode(crypto::md5_file_range(app_file, 0, size));
}

void AppUploader::put_whole(const fs::path& app_file, std::uint64_t size,
                            const std::string& app_sha256, UploadResult& result) {
    const std::string md5 = crypto::md5_file_range(app_file, 0, size);
    ObjectRequest request;
    request.method = "PUT";
    request.content_type = settings_.content_type;
    request.content_md5 = crypto::base64_encode(md5);
    if (!app_sha256.empty())
        request.oss_headers.emplace_back(sha256_meta_header, ascii_lower(app_sha256));
    log_.info("uploading " + app_file.filename().string() + " (" + sdk::human_bytes(size) + ") to " +
              object_.display());
    Retrier retrier(settings_.retry, hooks_, log_,
                    {"uploading " + app_file.filename().string() + " to " + object_.display(),
                     object_.bucket, object_.endpoint_display(), credentials_.access_key_id});
    const net::HttpResponse response = retrier.run("PUT " + object_.display(), [&] {
        const auto signed_request =
            sign_object_request(object_, request, credentials_, hooks_.now());
        log_.debug("> PUT " + signed_request.url + " (" + std::to_string(size) + " bytes)");
        return http_.upload(signed_request, app_file, 0, size);
    });
    result.retries += retrier.retries;
    const std::string expected = crypto::hex_encode(md5);
    const std::string etag = etag_value(header(response, "etag"));
    if (etag != expected)
        throw Error(ExitCode::Service,
                    "OSS stored " + object_.display() + " with ETag \"" + etag +
                        "\", but the app's MD5 is " + expected,
                    {.service_code = "ETagMismatch",
                     .request_id = header(response, "x-oss-request-id"),
                     .hint = "something between this machine and OSS altered the upload; check "
                             "any proxy, then run again"});
    result.parts = 1;
}

std::string AppUploader::initiate(const std::string& app_sha256, int& retries) {
    ObjectRequest request;
    request.method = "POST";
    request.sub_resources = {{"uploads", std::nullopt}};
    request.content_type = settings_.content_type;
    if (!app_sha256.empty())
        request.oss_headers.emplace_back(sha256_meta_header, ascii_lower(app_sha256));
    Retrier retrier(settings_.retry, hooks_, log_,
                    {"starting a multipart upload to " + object_.display(), object_.bucket,
                     object_.endpoint_display(), credentials_.access_key_id});
    const auto started = std::chrono::steady_clock::now();
    const net::HttpResponse response = retrier.run("InitiateMultipartUpload", [&] {
        const auto signed_request =
            sign_object_request(object_, request, credentials_, hooks_.now());
        log_.debug("> POST " + signed_request.url);
        return http_.send(signed_request);
    });
    retries += retrier.retries;
    pugi::xml_document xml;
    std::string upload_id;
    if (xml.load_buffer(response.body.data(), response.body.size()))
        upload_id = xml.child("InitiateMultipartUploadResult").child_value("UploadId");
    if (upload_id.empty())
        throw Error(ExitCode::Service,
                    "OSS answered InitiateMultipartUpload for " + object_.display() +
                        " without an UploadId",
                    {.service_code = "NoUploadId",
                     .request_id = header(response, "x-oss-request-id"),
                     .hint = "check --oss-endpoint: it should be an OSS endpoint"});
    // An attempt whose answer was lost may have started an upload all the same.
    if (retrier.retries > 0)
        abort_strays(upload_id, std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::steady_clock::now() - started));
    return upload_id;
}

void AppUploader::abort_strays(const std::string& ours, std::chrono::seconds attempts_took) {
    ObjectLocation bucket = object_;
    bucket.key.clear(); // ListMultipartUploads is a request to the bucket
    ObjectRequest request;
    request.sub_resources = {{"uploads", std::nullopt}};
    request.query = {{"prefix", object_.key}};
    pugi::xml_document xml;
    try {
        const auto signed_request =
            sign_object_request(bucket, request, credentials_, hooks_.now());
        log_.debug("> GET " + signed_request.url);
        const net::HttpResponse response = http_.send(signed_request);
        if (oss_error_in(response) || !xml.load_buffer(response.body.data(), response.body.size()))
            throw std::runtime_error("HTTP " + std::to_string(response.status));
    } catch (const std::exception& failure) {
        log_.warn("could not list the multipart uploads of " + object_.display() + " (" +
                  failure.what() +
                  "); an upload started by a lost InitiateMultipartUpload answer "
                  "may be left open");
        return;
    }
    // Ours and the strays carry the server's clock: a stray is one for the same
    // key that began while our attempts ran (a second of slack each way).
    struct Listed {
        std::string id;
        std::optional<std::int64_t> initiated;
    };
    std::vector<Listed> listed;
    std::optional<std::int64_t> our_start;
    for (const auto& upload : xml.child("ListMultipartUploadsResult").children("Upload")) {
        if (upload.child_value("Key") != object_.key)
            continue;
        Listed one{upload.child_value("UploadId"), unix_seconds(upload.child_value("Initiated"))};
        if (one.id == ours)
            our_start = one.initiated;
        else
            listed.push_back(std::move(one));
    }
    if (!our_start)
        return;
    for (const Listed& stray : listed)
        if (stray.initiated && *stray.initiated <= *our_start + 1 &&
            *stray.initiated >= *our_start - attempts_took.count() - 1) {
            log_.info("aborting multipart upload " + stray.id +
                      ", started by an attempt whose answer was lost");
            abort(stray.id);
        }
}

void AppUploader::put_in_parts(const fs::path& app_file, std::uint64_t size,
                               const std::string& app_sha256, const UploadProgress& progress,
                               UploadResult& result) {
    std::uint64_t part_size = std::max<std::uint64_t>(settings_.part_size, min_part_size);
    if ((size + part_size - 1) / part_size > max_parts) // keep within OSS's 10,000 parts
        part_size = ((size + max_parts - 1) / max_parts + mib - 1) / mib * mib;
    const std::uint64_t parts = (size + part_size - 1) / part_size;
    const int workers = static_cast<int>(
        std::min<std::uint64_t>(parts, static_cast<std::uint64_t>(std::max(settings_.workers, 1))));
    log_.info("uploading " + app_file.filename().string() + " (" + sdk::human_bytes(size) + ") to " +
              object_.display() + " in " + std::to_string(parts) + " parts of " +
              sdk::human_bytes(part_size) + ", " + std::to_string(workers) + " at a time");

    const auto version = sdk::file_version(app_file);
    const std::string upload_id = initiate(app_sha256, result.retries);
    result.upload_id = upload_id;
    log_.debug("multipart upload " + upload_id + " started");

    const Log worker_log = serialized(log_, std::make_shared<std::mutex>());
    const OssErrorContext context{
        "uploading part of " + app_file.filename().string() + " to " + object_.display(),
        object_.bucket, object_.endpoint_display(), credentials_.access_key_id};
    std::vector<std::string> etags(parts);
    std::atomic<std::uint64_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex shared_mutex; // guards failure, done, retries and progress calls
    std::exception_ptr failure;
    std::uint64_t done = 0;
    const auto fail = [&](std::exception_ptr error) {
        std::lock_guard<std::mutex> lock(shared_mutex);
        if (!failure)
            failure = std::move(error);
        stop = true;
    };

    auto work = [&](net::HttpClient& client) {
        Retrier retrier(settings_.retry, hooks_, worker_log, context, &stop);
        try {
            for (;;) {
                const std::uint64_t index = next.fetch_add(1);
                if (index >= parts || stop.load())
                    break;
                const std::uint64_t offset = index * part_size;
                const std::uint64_t length = std::min(part_size, size - offset);
                const std::string number = std::to_string(index + 1);
                ObjectRequest request;
                request.method = "PUT";
                request.sub_resources = {{"partNumber", number}, {"uploadId", upload_id}};
                const std::string label = "part " + number + " of " + std::to_string(parts);
                const net::HttpResponse response = retrier.run(label, [&] {
                    const auto signed_request =
                        sign_object_request(object_, request, credentials_, hooks_.now());
                    worker_log.debug("> PUT " + signed_request.url + " (" + std::to_string(length) +
                                     " bytes)");
                    SentMd5 sent;
                    net::HttpResponse answer =
                        client.upload(signed_request, app_file, offset, length, &sent);
                    if (oss_error_in(answer))
                        return answer;
                    // A part that arrived altered is sent again, like one that was lost.
                    const std::string etag = header(answer, "etag"), sent_md5 = sent.hex();
                    if (etag_value(etag) != sent_md5)
                        throw net::NetworkError(
                            label + " arrived altered: OSS stored it with ETag " + etag +
                                ", but the bytes sent have MD5 " + sent_md5,
                            true,
                            "something between this machine and OSS alters uploads; check "
                            "any proxy, then run again");
                    return answer;
                });
                etags[index] = header(response, "etag");
                std::lock_guard<std::mutex> lock(shared_mutex);
                done += length;
                if (progress)
                    progress(done, size);
            }
        } catch (const StopRequested&) {
        } catch (...) {
            fail(std::current_exception());
        }
        std::lock_guard<std::mutex> lock(shared_mutex);
        result.retries += retrier.retries;
    };

    // Worker 0 runs on this thread with the main client; the others get
    // clients of their own.
    std::vector<std::thread> threads;
    std::vector<std::unique_ptr<net::HttpClient>> clients;
    try {
        for (int i = 1; i < workers; ++i) {
            clients.push_back(worker_clients_());
            threads.emplace_back([&work, client = clients.back().get()] { work(*client); });
        }
    } catch (...) {
        fail(std::current_exception());
    }
    if (!stop)
        work(http_);
    for (auto& thread : threads)
        thread.join();

    // Each part is checked as sent; a build rewriting the app meanwhile would
    // leave an object of mixed versions under the app's SHA-256.
    if (!failure && sdk::file_version(app_file) != version)
        failure =
            std::make_exception_ptr(fs_error(app_file.string() + " changed while it was uploaded",
                                             "run again once the build has finished writing it"));
    if (!failure) {
        try {
            complete(upload_id, etags, size, app_sha256, result.retries);
        } catch (...) {
            failure = std::current_exception();
        }
    }
    if (failure) {
        abort(upload_id);
        std::rethrow_exception(failure);
    }
    result.parts = static_cast<int>(parts);
}

void AppUploader::complete(const std::string& upload_id, const std::vector<std::string>& etags,
                           std::uint64_t size, const std::string& app_sha256, int& retries) {
    pugi::xml_document xml;
    pugi::xml_node root = xml.append_child("CompleteMultipartUpload");
    for (std::size_t i = 0; i < etags.size(); ++i) {
        pugi::xml_node part = root.append_child("Part");
        part.append_child("PartNumber").text().set(static_cast<unsigned long long>(i + 1));
        part.append_child("ETag").text().set(etags[i].c_str());
    }
    std::ostringstream body;
    xml.save(body, "", pugi::format_raw);

    ObjectRequest request;
    request.method = "POST";
    request.sub_resources = {{"uploadId", upload_id}};
    request.content_type = "application/xml";
    request.body = body.str();
    request.content_md5 = crypto::base64_encode(crypto::md5(request.body));
    Retrier retrier(settings_.retry, hooks_, log_,
                    {"completing the multipart upload to " + object_.display(), object_.bucket,
                     object_.endpoint_display(), credentials_.access_key_id});
    int attempt = 0;
    bool lost_answer = false;
    retrier.run(
        "CompleteMultipartUpload",
        [&] {
            ++attempt;
            const auto signed_request =
                sign_object_request(object_, request, credentials_, hooks_.now());
            log_.debug("> POST " + signed_request.url + " (" + std::to_string(etags.size()) +
                       " parts)");
            net::HttpResponse response = http_.send(signed_request);
            // Like S3, a 200 may still carry an <Error>: treat it as a failure worth repeating.
            if (response.status == 200 && response.body.find("<Error>") != std::string::npos)
                response.status = 500;
            return response;
        },
        [&](const net::HttpResponse& answer) {
            // An earlier attempt completed it, but its answer was lost on the way.
            const auto error = oss_error_in(answer);
            lost_answer = attempt > 1 && error && error->code == "NoSuchUpload";
            return lost_answer;
        });
    retries += retrier.retries;
    if (lost_answer) {
        const auto existing = head();
        if (!existing || existing->size != size ||
            (!app_sha256.empty() && existing->sha256 != ascii_lower(app_sha256)))
            throw Error(ExitCode::Service,
                        "the multipart upload to " + object_.display() +
                            " vanished before it completed",
                        {.service_code = "NoSuchUpload",
                         .hint = "another process may be uploading to the same key; run again"});
    }
}

void AppUploader::abort(const std::string& upload_id) {
    ObjectRequest request;
    request.method = "DELETE";
    request.sub_resources = {{"uploadId", upload_id}};
    std::string why;
    for (int attempt = 1; attempt <= 2; ++attempt) {
        try {
            auto signed_request = sign_object_request(object_, request, credentials_, hooks_.now());
            signed_request.survives_interrupt = true; // also after Ctrl-C
            log_.debug("> DELETE " + signed_request.url);
            const net::HttpResponse response = http_.send(signed_request);
            log_.debug("< HTTP " + std::to_string(response.status) + " for AbortMultipartUpload");
            const auto error = oss_error_in(response);
            if (!error || error->code == "NoSuchUpload") {
                log_.info("aborted the multipart upload to " + object_.display());
                return;
            }
            why = error->code.empty() ? "HTTP " + std::to_string(error->status) : error->code;
            if (!is_retryable(*error))
                break;
        } catch (const Error& failure) {
            why = failure.what();
        }
    }
    log_.warn("could not abort multipart upload " + upload_id + " of " + object_.display() + " (" +
              why + "); its parts take space until it is aborted: `ossutil rm -m " +
              object_.display() + "`, or a lifecycle rule for incomplete uploads");
}

} // namespace verifysdk::oss
