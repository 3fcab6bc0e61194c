// AppUploader and the generic PUT against an in-memory fake of OSS: the HEAD
// check that skips an identical object, PutObject with Content-MD5 and the
// ETag check, multipart uploads (parts in order, each retried on its own,
// the upload aborted on failure), and the errors' exit codes.
#include "oss/app_uploader.hpp"

#include "api/percent_encoding.hpp"
#include "crypto/digest.hpp"
#include "net/network_error.hpp"
#include "oss/generic_put.hpp"
#include "sdk_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace verifysdk;
using namespace verifysdk::oss;
using ::testing::HasSubstr;

namespace {

struct Seen {
    std::string method;
    std::string path; // without query
    std::map<std::string, std::string> query;
    std::map<std::string, std::string> headers;
    std::string body;
    bool has(const std::string& name) const { return query.count(name) != 0; }
    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? "" : it->second;
    }
};

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

std::string quoted_md5(const std::string& content) {
    return "\"" + upper(crypto::hex_encode(crypto::md5(content))) + "\"";
}

net::HttpResponse oss_error(long status, const std::string& code) {
    return {status,
            {{"content-type", "application/xml"}},
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code +
                "</Code><Message>injected " + code + "</Message><RequestId>RID-" + code +
                "</RequestId></Error>"};
}

// A small OSS of one object, thread-safe (parts arrive from several workers).
class FakeOss final : public net::HttpClient {
public:
    // Called before a request is processed: an answer replaces processing.
    std::function<std::optional<net::HttpResponse>(const Seen&)> before;
    // Called after processing: may throw (an answer lost on the way back).
    std::function<void(const Seen&)> after;

    std::optional<std::string> object;
    net::HeaderMap object_headers;
    std::map<std::string, std::map<int, std::string>> open_uploads;
    // Upload id -> Initiated, when not the fake clock's time.
    std::map<std::string, std::string> initiated;
    std::vector<Seen> seen;
    std::atomic<int> clients_made{0};

    net::HttpResponse send(const net::HttpRequest& request) override {
        return handle(request, request.body);
    }
    net::HttpResponse upload(const net::HttpRequest& request, const std::filesystem::path& file,
                             std::uint64_t offset, std::uint64_t length,
                             net::UploadObserver* observer) override {
        std::ifstream in(file, std::ios::binary);
        in.seekg(static_cast<std::streamoff>(offset));
        std::string content(length, '\0');
        in.read(content.data(), static_cast<std::streamsize>(length));
        if (observer != nullptr)
            observer->on_sent(content.data(), content.size());
        return handle(request, content);
    }
    net::HttpResponse download(const net::DownloadRequest&, net::DownloadSink&) override {
        throw std::logic_error("FakeOss: no downloads");
    }

    int count(const std::string& method, const std::string& sub = "") {
        std::lock_guard<std::mutex> lock(mutex_);
        return static_cast<int>(std::count_if(seen.begin(), seen.end(), [&](const Seen& s) {
            return s.method == method && (sub.empty() || s.has(sub));
        }));
    }

    HttpClientFactory factory() {
        return [this]() -> std::unique_ptr<net::HttpClient> {
            ++clients_made;
            return std::make_unique<Proxy>(*this);
        };
    }

private:
    struct Proxy final : net::HttpClient {
        explicit Proxy(FakeOss& oss) : oss_(oss) {}
        net::HttpResponse send(const net::HttpRequest& r) override { return oss_.send(r); }
        net::HttpResponse upload(const net::HttpRequest& r, const std::filesystem::path& f,
                                 std::uint64_t o, std::uint64_t l,
                                 net::UploadObserver* observer) override {
            return oss_.upload(r, f, o, l, observer);
        }
        net::HttpResponse download(const net::DownloadRequest&, net::DownloadSink&) override {
            throw std::logic_error("no downloads");
        }
        FakeOss& oss_;
    };

    static Seen parse(const net::HttpRequest& request, const std::string& body) {
        Seen s;
        s.method = request.method;
        const auto question = request.url.find('?');
        s.path = request.url.substr(0, question);
        if (question != std::string::npos) {
            std::string query = request.url.substr(question + 1);
            std::size_t start = 0;
            while (start <= query.size()) {
                auto end = query.find('&', start);
                if (end == std::string::npos)
                    end = query.size();
                const std::string pair = query.substr(start, end - start);
                const auto equals = pair.find('=');
                s.query[api::percent_decode(pair.substr(0, equals))] =
                    equals == std::string::npos ? "" : api::percent_decode(pair.substr(equals + 1));
                start = end + 1;
            }
        }
        for (const auto& [name, value] : request.headers) {
            std::string lower = name;
            std::transform(lower.begin(), lower.end(), lower.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            s.headers[lower] = value;
        }
        s.body = body;
        return s;
    }

    net::HttpResponse handle(const net::HttpRequest& request, const std::string& body) {
        const Seen s = parse(request, body);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            seen.push_back(s);
        }
        if (s.header("authorization").rfind("OSS testid:", 0) != 0 || s.header("date").empty())
            return oss_error(403, "AccessDenied");
        if (before)
            if (auto replaced = before(s))
                return *replaced;
        net::HttpResponse response = process(s);
        if (after)
            after(s);
        return response;
    }

    net::HttpResponse process(const Seen& s) {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto md5_ok = [&] {
            return s.header("content-md5").empty() ||
                   s.header("content-md5") == crypto::base64_encode(crypto::md5(s.body));
        };
        if (s.method == "HEAD") {
            if (!object)
                return {404, {}, ""};
            net::HeaderMap headers = object_headers;
            headers["content-length"] = std::to_string(object->size());
            return {200, headers, ""};
        }
        if (s.method == "PUT" && s.has("partNumber")) {
            auto it = open_uploads.find(s.query.at("uploadId"));
            if (it == open_uploads.end())
                return oss_error(404, "NoSuchUpload");
            if (!md5_ok())
                return oss_error(400, "InvalidDigest");
            it->second[std::stoi(s.query.at("partNumber"))] = s.body;
            return {200, {{"etag", quoted_md5(s.body)}}, ""};
        }
        if (s.method == "PUT") {
            if (!md5_ok())
                return oss_error(400, "InvalidDigest");
            object = s.body;
            object_headers = {{"etag", quoted_md5(s.body)}};
            if (!s.header("x-oss-meta-sha256").empty())
                object_headers["x-oss-meta-sha256"] = s.header("x-oss-meta-sha256");
            return {200, {{"etag", quoted_md5(s.body)}}, ""};
        }
        if (s.method == "GET" && s.has("uploads")) {
            std::string body = "<ListMultipartUploadsResult><Bucket>b-1</Bucket>";
            for (const auto& [id, parts] : open_uploads)
                body += "<Upload><Key>dir/app.apk</Key><UploadId>" + id + "</UploadId><Initiated>" +
                        (initiated.count(id) ? initiated[id] : "1970-01-01T01:00:00.000Z") +
                        "</Initiated></Upload>";
            return {200, {}, body + "</ListMultipartUploadsResult>"};
        }
        if (s.method == "POST" && s.has("uploads")) {
            const std::string id = "UPLOAD-" + std::to_string(++uploads_made_);
            open_uploads[id] = {};
            initiate_meta_[id] = s.header("x-oss-meta-sha256");
            return {200,
                    {},
                    "<InitiateMultipartUploadResult><Bucket>b-1</Bucket><Key>k</Key>"
                    "<UploadId>" +
                        id + "</UploadId></InitiateMultipartUploadResult>"};
        }
        if (s.method == "POST" && s.has("uploadId")) {
            auto it = open_uploads.find(s.query.at("uploadId"));
            if (it == open_uploads.end())
                return oss_error(404, "NoSuchUpload");
            pugi::xml_document xml;
            xml.load_string(s.body.c_str());
            std::string content;
            int expected = 1;
            for (auto part : xml.child("CompleteMultipartUpload").children("Part")) {
                const int number = part.child("PartNumber").text().as_int();
                if (number != expected++ || !it->second.count(number) ||
                    quoted_md5(it->second[number]) != part.child_value("ETag"))
                    return oss_error(400, "InvalidPart");
                content += it->second[number];
            }
            object = content;
            object_headers = {{"etag", "\"3858F62230AC3C915F300C664312C63F-" +
                                           std::to_string(it->second.size()) + "\""}};
            if (!initiate_meta_[it->first].empty())
                object_headers["x-oss-meta-sha256"] = initiate_meta_[it->first];
            open_uploads.erase(it);
            return {200, {}, "<CompleteMultipartUploadResult/>"};
        }
        if (s.method == "DELETE" && s.has("uploadId")) {
            if (open_uploads.erase(s.query.at("uploadId")) == 0)
                return oss_error(404, "NoSuchUpload");
            return {204, {}, ""};
        }
        return oss_error(400, "NotImplementedInFake");
    }

    std::mutex mutex_;
    int uploads_made_ = 0;
    std::map<std::string, std::string> initiate_meta_;
};

class Uploader : public ::testing::Test {
protected:
    test::TempDir dir;
    FakeOss oss;
    std::vector<std::chrono::milliseconds> sleeps;
    std::mutex sleeps_mutex;
    UploadSettings settings;
    std::vector<std::string> infos;

    Uploader() {
        settings.retry.max_retries = 2;
        settings.part_size = 128 * 1024;
        settings.multipart_threshold = 256 * 1024;
    }

    std::filesystem::path app(std::size_t size, char seed = 'a') {
        std::string content(size, '\0');
        for (std::size_t i = 0; i < size; ++i)
            content[i] = static_cast<char>(seed + static_cast<char>((i * 7 + i / 1000) % 26));
        const auto path = dir / "app.apk";
        test::write_file(path, content);
        return path;
    }

    UploadResult upload(const std::filesystem::path& file, const std::string& sha256 = "") {
        Log log;
        log.info = [this](const std::string& line) {
            std::lock_guard<std::mutex> lock(sleeps_mutex);
            infos.push_back(line);
        };
        UploadHooks hooks{
            [this](std::chrono::milliseconds d) {
                std::lock_guard<std::mutex> lock(sleeps_mutex);
                sleeps.push_back(d);
            },
            [] { return std::chrono::system_clock::time_point(std::chrono::hours(1)); }};
        AppUploader uploader(oss, oss.factory(), {"testid", "testsecret", "", "test"},
                             {parse_oss_endpoint("http://127.0.0.1:1/oss"), "b-1", "dir/app.apk"},
                             settings, log, hooks);
        return uploader.upload(file, sha256);
    }
};

} // namespace

TEST_F(Uploader, MissingObjectIsPutWithContentMd5AndChecked) {
    const auto file = app(100 * 1024);
    const std::string content = test::read_file(file);
    const UploadResult result = upload(file, "ABCDEF0123");
    EXPECT_TRUE(result.uploaded);
    EXPECT_FALSE(result.multipart);
    EXPECT_EQ(result.size, content.size());
    ASSERT_TRUE(oss.object.has_value());
    EXPECT_EQ(*oss.object, content);
    ASSERT_EQ(oss.seen.size(), 2u);
    EXPECT_EQ(oss.seen[0].method, "HEAD");
    const Seen& put = oss.seen[1];
    EXPECT_EQ(put.method, "PUT");
    EXPECT_EQ(put.path, "http://127.0.0.1:1/oss/b-1/dir/app.apk");
    EXPECT_EQ(put.header("content-md5"), crypto::base64_encode(crypto::md5(content)));
    EXPECT_EQ(put.header("content-type"), "application/octet-stream");
    EXPECT_EQ(put.header("x-oss-meta-sha256"), "abcdef0123");
}

TEST_F(Uploader, IdenticalObjectByMd5IsNotUploadedAgain) {
    const auto file = app(50 * 1024);
    oss.object = test::read_file(file);
    oss.object_headers = {{"etag", quoted_md5(*oss.object)}};
    const UploadResult result = upload(file);
    EXPECT_FALSE(result.uploaded);
    EXPECT_EQ(oss.seen.size(), 1u);
    EXPECT_EQ(oss.seen[0].method, "HEAD");
}

TEST_F(Uploader, IdenticalMultipartObjectIsRecognisedBySha256Metadata) {
    const auto file = app(300 * 1024);
    oss.object = test::read_file(file);
    oss.object_headers = {{"etag", "\"0F6A5C3E8E3A4F0B9C2D1E0F1A2B3C4D-3\""},
                          {"x-oss-meta-sha256", "00ff"}};
    EXPECT_FALSE(upload(file, "00FF").uploaded);
    EXPECT_EQ(oss.count("PUT"), 0);
}

TEST_F(Uploader, SameSizeOtherContentIsUploaded) {
    const auto file = app(50 * 1024);
    oss.object = std::string(50 * 1024, 'x');
    oss.object_headers = {{"etag", quoted_md5(*oss.object)}};
    EXPECT_TRUE(upload(file).uploaded);
    EXPECT_EQ(*oss.object, test::read_file(file));
}

TEST_F(Uploader, EtagMismatchFails) {
    const auto file = app(10 * 1024);
    oss.before = [](const Seen& s) -> std::optional<net::HttpResponse> {
        if (s.method == "PUT")
            return net::HttpResponse{200, {{"etag", "\"00000000000000000000000000000000\""}}, ""};
        return std::nullopt;
    };
    const auto caught = test::catch_error([&] { upload(file); });
    EXPECT_EQ(caught.code, ExitCode::Service);
    EXPECT_THAT(caught.message, HasSubstr("ETag"));
    EXPECT_EQ(oss.count("PUT"), 1) << "a mismatch is not retried";
}

TEST_F(Uploader, NoSuchBucketOnHeadFailsBeforeUploading) {
    const auto file = app(10 * 1024);
    oss.before = [](const Seen& s) -> std::optional<net::HttpResponse> {
        if (s.method != "HEAD")
            return std::nullopt;
        const auto body = oss_error(404, "NoSuchBucket").body;
        return net::HttpResponse{404, {{"x-oss-err", crypto::base64_encode(body)}}, ""};
    };
    const auto caught = test::catch_error([&] { upload(file); });
    EXPECT_EQ(caught.code, ExitCode::Service);
    EXPECT_THAT(caught.hint, HasSubstr("b-1"));
    EXPECT_EQ(oss.count("PUT"), 0);
}

TEST_F(Uploader, WrongSecretExitsThreeWithoutRetrying) {
    const auto file = app(10 * 1024);
    oss.before = [](const Seen& s) -> std::optional<net::HttpResponse> {
        if (s.method == "PUT")
            return oss_error(403, "SignatureDoesNotMatch");
        return std::nullopt;
    };
    const auto caught = test::catch_error([&] { upload(file); });
    EXPECT_EQ(caught.code, ExitCode::Credentials);
    EXPECT_EQ(oss.count("PUT"), 1);
    EXPECT_TRUE(sleeps.empty());
}

TEST_F(Uploader, SlowDownIsRetriedAndSignedAfresh) {
    const auto file = app(10 * 1024);
    std::atomic<int> puts{0};
    oss.before = [&](const Seen& s) -> std::optional<net::HttpResponse> {
        if (s.method == "PUT" && ++puts == 1)
            return oss_error(503, "SlowDown");
        return std::nullopt;
    };
    const UploadResult result = upload(file);
    EXPECT_TRUE(result.uploaded);
    EXPECT_EQ(result.retries, 1);
    EXPECT_EQ(sleeps.size(), 1u);
}

TEST_F(Uploader, LargeAppGoesUpInPartsInOrder) {
    const auto file = app(5 * 128 * 1024 + 1000); // 6 parts, the last one short
    const UploadResult result = upload(file, "abc");
    EXPECT_TRUE(result.uploaded);
    EXPECT_TRUE(result.multipart);
    EXPECT_EQ(result.parts, 6);
    EXPECT_EQ(*oss.object, test::read_file(file));
    EXPECT_EQ(oss.object_headers["x-oss-meta-sha256"], "abc");
    EXPECT_EQ(oss.count("POST", "uploads"), 1);
    EXPECT_EQ(oss.count("PUT", "partNumber"), 6);
    EXPECT_EQ(oss.count("POST", "uploadId"), 1);
    EXPECT_EQ(oss.count("DELETE"), 0);
    EXPECT_EQ(oss.clients_made.load(), 1) << "two workers: this thread and one more client";
    EXPECT_EQ(oss.count("GET", "uploads"), 0) << "no listing when Initiate answered at once";
    EXPECT_TRUE(oss.open_uploads.empty());
}

TEST_F(Uploader, UploadStartedByALostInitiateAnswerIsAborted) {
    const auto file = app(3 * 128 * 1024);
    oss.open_uploads["SOMEONE-ELSES"] = {}; // the same key, an hour earlier: left alone
    oss.initiated["SOMEONE-ELSES"] = "1970-01-01T00:00:00.000Z";
    std::atomic<int> initiates{0};
    oss.after = [&](const Seen& s) {
        if (s.method == "POST" && s.has("uploads") && ++initiates == 1)
            throw net::NetworkError("connection reset", true); // started, answer lost
    };
    EXPECT_TRUE(upload(file).uploaded);
    EXPECT_EQ(oss.count("POST", "uploads"), 2);
    EXPECT_EQ(oss.count("GET", "uploads"), 1);
    EXPECT_EQ(oss.count("DELETE", "uploadId"), 1);
    EXPECT_EQ(oss.open_uploads.size(), 1u);
    EXPECT_EQ(oss.open_uploads.count("SOMEONE-ELSES"), 1u);
    EXPECT_EQ(*oss.object, test::read_file(file));
}

TEST_F(Uploader, PartThatArrivedAlteredIsSentAgain) {
    const auto file = app(4 * 128 * 1024);
    std::atomic<int> part2{0};
    oss.before = [&](const Seen& s) -> std::optional<net::HttpResponse> {
        // The first copy of part 2 is stored with another content's ETag.
        if (s.has("partNumber") && s.query.at("partNumber") == "2" && ++part2 == 1)
            return net::HttpResponse{200, {{"etag", quoted_md5("something else")}}, ""};
        return std::nullopt;
    };
    const UploadResult result = upload(file);
    EXPECT_EQ(part2.load(), 2);
    EXPECT_EQ(result.retries, 1);
    EXPECT_EQ(*oss.object, test::read_file(file));
}

TEST_F(Uploader, PartThatKeepsArrivingAlteredAbortsTheUpload) {
    const auto file = app(4 * 128 * 1024);
    oss.before = [&](const Seen& s) -> std::optional<net::HttpResponse> {
        if (s.has("partNumber") && s.query.at("partNumber") == "2")
            return net::HttpResponse{200, {{"etag", quoted_md5("something else")}}, ""};
        return std::nullopt;
    };
    const auto caught = test::catch_error([&] { upload(file); });
    EXPECT_EQ(caught.code, ExitCode::Network);
    EXPECT_THAT(caught.message, HasSubstr("part 2 of 4 arrived altered"));
    const std::string part2 = test::read_file(file).substr(128 * 1024, 128 * 1024);
    EXPECT_THAT(caught.message,
                HasSubstr("the bytes sent have MD5 " + crypto::hex_encode(crypto::md5(part2))));
    EXPECT_THAT(caught.message, HasSubstr("after 3 attempts"));
    EXPECT_EQ(oss.count("DELETE", "uploadId"), 1);
    EXPECT_TRUE(oss.open_uploads.empty());
}

TEST_F(Uploader, AppRewrittenWhileItGoesUpIsNotCompleted) {
    const auto file = app(4 * 128 * 1024);
    std::atomic<bool> rewritten{false};
    oss.after = [&](const Seen& s) {
        // The build writes a new app of the same size while part 3 goes up.
        if (s.has("partNumber") && s.query.at("partNumber") == "3" && !rewritten.exchange(true)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20)); // a visible mtime step
            app(4 * 128 * 1024, 'b');
        }
    };
    const auto caught = test::catch_error([&] { upload(file); });
    EXPECT_EQ(caught.code, ExitCode::FileSystem);
    EXPECT_THAT(caught.message, HasSubstr("changed while it was uploaded"));
    EXPECT_EQ(oss.count("POST", "uploadId"), 0) << "never completed";
    EXPECT_EQ(oss.count("DELETE", "uploadId"), 1);
    EXPECT_FALSE(oss.object.has_value());
}

TEST_F(Uploader, FailedPartIsRetriedOnItsOwn) {
    const auto file = app(4 * 128 * 1024);
    std::atomic<int> part3{0};
    oss.before = [&](const Seen& s) -> std::optional<net::HttpResponse> {
        if (s.has("partNumber") && s.query.at("partNumber") == "3" && ++part3 <= 2)
            return oss_error(500, "InternalError");
        return std::nullopt;
    };
    const UploadResult result = upload(file);
    EXPECT_EQ(result.retries, 2);
    EXPECT_EQ(part3.load(), 3);
    EXPECT_EQ(oss.count("PUT", "partNumber"), 6) << "4 parts, part 3 sent three times";
    EXPECT_EQ(*oss.object, test::read_file(file));
}

TEST_F(Uploader, NetworkFailureOfAPartIsRetried) {
    const auto file = app(3 * 128 * 1024);
    std::atomic<int> part1{0};
    oss.before = [&](const Seen& s) -> std::optional<net::HttpResponse> {
        if (s.has("partNumber") && s.query.at("partNumber") == "1" && ++part1 == 1)
            throw net::NetworkError("connection reset", true);
        return std::nullopt;
    };
    EXPECT_TRUE(upload(file).uploaded);
    EXPECT_EQ(*oss.object, test::read_file(file));
}

TEST_F(Uploader, PartThatKeepsFailingAbortsTheUpload) {
    const auto file = app(6 * 128 * 1024);
    oss.before = [&](const Seen& s) -> std::optional<net::HttpResponse> {
        if (s.has("partNumber") && s.query.at("partNumber") == "2")
            return oss_error(503, "ServiceUnavailable");
        return std::nullopt;
    };
    const auto caught = test::catch_error([&] { upload(file); });
    EXPECT_EQ(caught.code, ExitCode::Service);
    EXPECT_EQ(oss.count("DELETE", "uploadId"), 1);
    EXPECT_TRUE(oss.open_uploads.empty()) << "no orphan upload";
    EXPECT_FALSE(oss.object.has_value());
    EXPECT_EQ(oss.count("POST", "uploadId"), 0) << "never completed";
}

TEST_F(Uploader, RefusedPartAbortsAtOnceWithExitThree) {
    const auto file = app(6 * 128 * 1024);
    oss.before = [&](const Seen& s) -> std::optional<net::HttpResponse> {
        if (s.has("partNumber") && s.query.at("partNumber") == "4")
            return oss_error(403, "AccessDenied");
        return std::nullopt;
    };
    const auto caught = test::catch_error([&] { upload(file); });
    EXPECT_EQ(caught.code, ExitCode::Credentials);
    EXPECT_EQ(oss.count("DELETE", "uploadId"), 1);
    EXPECT_TRUE(oss.open_uploads.empty());
}

TEST_F(Uploader, FailedCompleteAbortsToo) {
    const auto file = app(3 * 128 * 1024);
    oss.before = [&](const Seen& s) -> std::optional<net::HttpResponse> {
        if (s.method == "POST" && s.has("uploadId"))
            return oss_error(400, "InvalidPart");
        return std::nullopt;
    };
    const auto caught = test::catch_error([&] { upload(file); });
    EXPECT_EQ(caught.code, ExitCode::Service);
    EXPECT_EQ(oss.count("DELETE", "uploadId"), 1);
    EXPECT_TRUE(oss.open_uploads.empty());
}

TEST_F(Uploader, CompleteWhoseAnswerWasLostIsConfirmedByHead) {
    const auto file = app(3 * 128 * 1024);
    std::atomic<int> completes{0};
    oss.after = [&](const Seen& s) {
        if (s.method == "POST" && s.has("uploadId") && ++completes == 1)
            throw net::NetworkError("connection reset after Complete", true);
    };
    const UploadResult result = upload(file, "feed");
    EXPECT_TRUE(result.uploaded);
    EXPECT_EQ(*oss.object, test::read_file(file));
    EXPECT_EQ(oss.count("DELETE"), 0);
}

TEST_F(Uploader, PartsAreNeverSmallerThanOssAccepts) {
    settings.part_size = 10 * 1024; // raised to 100 KiB, the smallest part OSS accepts
    const auto file = app(350 * 1024);
    const UploadResult result = upload(file);
    EXPECT_EQ(result.parts, 4);
}

// ---- the generic PUT --------------------------------------------------------

class GenericPut : public Uploader {
protected:
    net::HttpResponse put_once(const std::filesystem::path& file, const std::string& url) {
        Log log;
        UploadHooks hooks{[this](std::chrono::milliseconds d) { sleeps.push_back(d); },
                          [] { return std::chrono::system_clock::now(); }};
        put_to_url(client, url, file, settings.retry, log, hooks);
        return {};
    }
    struct Client final : net::HttpClient {
        std::function<net::HttpResponse(const net::HttpRequest&, std::string)> answer;
        std::vector<net::HttpRequest> requests;
        net::HttpResponse send(const net::HttpRequest&) override {
            throw std::logic_error("no send");
        }
        net::HttpResponse upload(const net::HttpRequest& request, const std::filesystem::path& f,
                                 std::uint64_t o, std::uint64_t l, net::UploadObserver*) override {
            requests.push_back(request);
            std::ifstream in(f, std::ios::binary);
            in.seekg(static_cast<std::streamoff>(o));
            std::string body(l, '\0');
            in.read(body.data(), static_cast<std::streamsize>(l));
            return answer(request, body);
        }
        net::HttpResponse download(const net::DownloadRequest&, net::DownloadSink&) override {
            throw std::logic_error("no downloads");
        }
    } client;
};

TEST_F(GenericPut, PutsTheWholeFileToTheAddress) {
    const auto file = app(20 * 1024);
    std::string received;
    client.answer = [&](const net::HttpRequest&, std::string body) {
        received = body;
        return net::HttpResponse{200, {}, ""};
    };
    put_once(file, "https://storage.example.com/app.apk?X-Sig=abc");
    ASSERT_EQ(client.requests.size(), 1u);
    EXPECT_EQ(client.requests[0].method, "PUT");
    EXPECT_EQ(client.requests[0].url, "https://storage.example.com/app.apk?X-Sig=abc");
    EXPECT_EQ(received, test::read_file(file));
}

TEST_F(GenericPut, ServerErrorsAreRetriedRefusalsAreNot) {
    const auto file = app(1024);
    int calls = 0;
    client.answer = [&](const net::HttpRequest&, std::string) {
        return ++calls == 1 ? oss_error(503, "SlowDown") : net::HttpResponse{200, {}, ""};
    };
    put_once(file, "https://storage.example.com/a.apk?s=1");
    EXPECT_EQ(calls, 2);

    client.answer = [&](const net::HttpRequest&, std::string) {
        return oss_error(403, "AccessDenied");
    };
    const auto caught =
        test::catch_error([&] { put_once(file, "https://storage.example.com/a.apk?s=1"); });
    EXPECT_EQ(caught.code, ExitCode::Service);
    EXPECT_THAT(caught.hint, HasSubstr("fresh presigned PUT address"));
    EXPECT_THAT(caught.message, ::testing::Not(HasSubstr("s=1")));
}

TEST(GenericPutUrl, OnlyHttpsOrLoopbackHttp) {
    EXPECT_NO_THROW(check_put_url("https://storage.example.com/a.apk?sig=1"));
    EXPECT_NO_THROW(check_put_url("http://127.0.0.1:8080/a.apk?sig=1"));
    for (const std::string bad : {"http://storage.example.com/a.apk", "ftp://127.0.0.1/a",
                                  "https://u:p@storage.example.com/a", "nonsense"}) {
        const auto caught = test::catch_error([&] { check_put_url(bad); });
        EXPECT_EQ(caught.code, ExitCode::Usage) << bad;
    }
}
