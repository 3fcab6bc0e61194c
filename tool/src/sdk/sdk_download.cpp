#include "sdk/sdk_download.hpp"

#include "crypto/digest.hpp"
#include "error.hpp"
#include "interrupt.hpp"
#include "net/network_error.hpp"
#include "sdk/private_file.hpp"
#include "sdk/trailing_hasher.hpp"
#include "sdk/url_redaction.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <vector>

namespace verifysdk::sdk {

namespace {

namespace fs = std::filesystem;

// The download host said the address is no longer valid.
struct AddressExpired {
    long status;
};

// The server ignored or refused our Range: start again from byte 0.
struct RestartFromZero {};

struct PartInfo {
    std::string etag;
    std::uint64_t total = 0;
};

PartInfo read_part_info(const DownloadTarget& target) {
    std::ifstream in(target.meta_file);
    const auto json = nlohmann::json::parse(in, nullptr, false);
    if (json.is_discarded() || !json.is_object() || json.value("task_id", "") != target.task_id)
        return {};
    return {json.value("etag", ""), json.value("total", std::uint64_t{0})};
}

void write_part_info(const DownloadTarget& target, const PartInfo& info) {
    write_file_atomically(target.meta_file,
                          nlohmann::json{{"task_id", target.task_id},
                                         {"etag", info.etag},
                                         {"total", info.total}}
                              .dump());
}

std::uint64_t parse_u64(const std::string& text) {
    return text.empty() ? 0 : std::strtoull(text.c_str(), nullptr, 10);
}

// Streams one response into download.part.
class PartWriter final : public net::DownloadSink {
public:
    PartWriter(const DownloadTarget& target, std::uint64_t offset, PartInfo& info,
               ProgressReporter& progress, const AddressCheck& redirect_problem)
        : target_(target), offset_(offset), info_(info), progress_(progress),
          redirect_problem_(redirect_problem) {}

    void on_redirect(const std::string& location) override {
        if (const std::string problem = redirect_problem_(location); !problem.empty())
            throw Error(ExitCode::Service,
                        "the SDK download was redirected to an address that cannot be used (" +
                            problem + "): " + redact_url(location),
                        {.service_code = "TaskId " + target_.task_id,
                         .hint = "report the TaskId to Alibaba Cloud support"});
    }

    void on_headers(long status, const net::HeaderMap& headers) override {
        if (status == 403 || status == 404 || status == 410)
            throw AddressExpired{status};
        if (status == 416 || (status == 200 && offset_ > 0))
            throw RestartFromZero{}; // range refused, or the file changed (If-Range)
        // Any other refusal (throttling, a gateway's 4xx or 5xx) may pass: retried
        // within the policy, honouring the host's Retry-After.
        server_hint_ = net::retry_after_hint(headers);
        if (status != 200 && status != 206)
            throw net::NetworkError("the SDK download answered HTTP " + std::to_string(status),
                                    true, "run again later; the download host refused it");
        const auto header = [&](const char* name) {
            auto it = headers.find(name);
            return it == headers.end() ? std::string() : it->second;
        };
        // An error page served with 200 is not an SDK.
        if (header("content-type").rfind("text/html", 0) == 0)
            throw verification_error("the SDK download is an HTML page, not an archive",
                                     "run again later; report the TaskId if it persists");
        if (status == 206) {
            // Content-Range: bytes START-END/TOTAL must continue where we stopped.
            const std::string range = header("content-range");
            const auto space = range.find(' '), dash = range.find('-'), slash = range.find('/');
            if (space == std::string::npos || dash == std::string::npos ||
                slash == std::string::npos ||
                parse_u64(range.substr(space + 1, dash - space - 1)) != offset_)
                throw RestartFromZero{};
            info_.total = parse_u64(range.substr(slash + 1));
        } else {
            info_.total = parse_u64(header("content-length"));
        }
        if (info_.total > max_sdk_download_bytes)
            too_large();
        info_.etag = header("etag");
        write_part_info(target_, info_);
        fd_ = UniqueFd(::open(target_.part_file.c_str(),
                              O_WRONLY | O_CREAT | O_CLOEXEC | (offset_ > 0 ? O_APPEND : O_TRUNC),
                              0600));
        if (!fd_)
            throw fs_error("cannot write " + target_.part_file.string() + ": " +
                           std::strerror(errno));
        // Bytes kept from an earlier run are hashed too, on the hasher's thread.
        hasher_ = std::make_unique<TrailingHasher>(target_.part_file);
        hasher_->advance(offset_);
        progress_.start(offset_, info_.total);
        written_ = offset_;
    }

    void on_data(const char* data, std::size_t size) override {
        if (info_.total != 0 && written_ + size > info_.total)
            throw verification_error("the SDK download is longer than its Content-Length");
        if (written_ + size > max_sdk_download_bytes)
            too_large();
        write_all(fd_.get(), {data, size}, target_.part_file);
        written_ += size;
        hasher_->advance(written_);
        progress_.advance(written_);
    }

    std::uint64_t written() const { return written_; }
    std::optional<std::chrono::milliseconds> server_hint() const { return server_hint_; }
    std::string finish_hash() {
        if (!hasher_) // an empty body: no headers callback with a file
            return crypto::sha256_hex("");
        return hasher_->finish(written_);
    }

private:
    [[noreturn]] void too_large() const {
        throw verification_error("the SDK download is larger than " +
                                     human_bytes(max_sdk_download_bytes) + "; that is not an SDK",
                                 "report the TaskId " + target_.task_id + " to Alibaba Cloud support");
    }

    const DownloadTarget& target_;
    std::uint64_t offset_;
    PartInfo& info_;
    ProgressReporter& progress_;
    const AddressCheck& redirect_problem_;
    UniqueFd fd_;
    std::unique_ptr<TrailingHasher> hasher_;
    std::uint64_t written_ = 0;
    std::optional<std::chrono::milliseconds> server_hint_;
};

} // namespace

DownloadedSdk download_sdk(net::HttpClient& http, std::string url,
                           const AddressRefresher& refresh_address,
                           const AddressCheck& redirect_problem, const DownloadTarget& target,
                           const net::RetryPolicy& retry, ProgressStyle progress_style,
                           const Log& log) {
    std::mt19937_64 random(std::random_device{}());
    DownloadedSdk result;
    PartInfo info = read_part_info(target);
    int failures = 0, refreshes = 0;
    constexpr int max_refreshes = 3;

    while (true) {
        throw_if_interrupted();
        std::error_code ignored;
        std::uint64_t offset = 0;
        const auto existing = fs::file_size(target.part_file, ignored);
        if (!ignored && !info.etag.empty() && existing > 0 &&
            (info.total == 0 || existing < info.total))
            offset = existing;

        if (offset > 0)
            log.info("resuming the SDK download at " + human_bytes(offset));

        ProgressReporter progress(progress_style);
        PartWriter writer(target, offset, info, progress, redirect_problem);
        net::DownloadRequest request{url, offset, offset > 0 ? info.etag : ""};
        ++result.requests;
        if (offset > 0)
            ++result.resumed_requests;
        log.debug("> GET " + redact_url(url) +
                  (offset > 0 ? " (Range: bytes=" + std::to_string(offset) + "-)" : ""));
        try {
            const net::HttpResponse response = http.download(request, writer);
            log.debug("< HTTP " + std::to_string(response.status));
            if (info.total != 0 && writer.written() != info.total)
                throw net::NetworkError("the SDK download ended after " +
                                            std::to_string(writer.written()) + " of " +
                                            std::to_string(info.total) + " bytes",
                                        true);
            progress.finish();
            result.size = writer.written();
            if (result.size == 0)
                throw verification_error("the SDK download is empty",
                                         "run again later; report the TaskId if it persists");
            result.sha256 = writer.finish_hash();
            return result;
        } catch (const AddressExpired& expired) {
            if (++refreshes > max_refreshes)
                throw Error(ExitCode::Service,
                            "the SDK download address keeps being refused (HTTP " +
                                std::to_string(expired.status) + ")",
                            {.service_code = "TaskId " + target.task_id,
                             .hint = "run again later; report the TaskId if it persists"});
            log.info("the SDK download address has expired (HTTP " +
                     std::to_string(expired.status) + "); asking for a new one");
            url = refresh_address();
        } catch (const RestartFromZero&) {
            log.info("the server did not continue the earlier download; starting again");
            info = PartInfo{};
            fs::remove(target.part_file, ignored);
        } catch (const net::NetworkError& failure) {
            if (!failure.retryable() || ++failures > retry.max_retries)
                throw;
            const auto delay = retry.delay(failures - 1, writer.server_hint(), random);
            log.info(std::string(failure.what()) + "; retrying in " +
                     std::to_string(delay.count()) + " ms");
            sleep_interruptibly(delay);
        }
    }
}

} // namespace verifysdk::sdk
