// CloudauthClient against a scripted fake HttpClient: answers in every shape,
// which failures are retried (each attempt signed afresh, with a new nonce),
// which are not, the exit codes and details of errors, and what the requests
// look like on the wire.
#include "api/cloudauth_client.hpp"
#include "api/percent_encoding.hpp"
#include "net/network_error.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

using namespace verifysdk;
using namespace verifysdk::api;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using json = nlohmann::json;

namespace {

// ---- the fake network ----------------------------------------------------

class FakeHttp final : public net::HttpClient {
public:
    FakeHttp& reply(long status, std::string body, net::HeaderMap headers = {}) {
        script_.emplace_back(net::HttpResponse{status, std::move(headers), std::move(body)});
        return *this;
    }
    FakeHttp& fail(const std::string& message, bool retryable) {
        script_.emplace_back(net::NetworkError(message, retryable));
        return *this;
    }
    // The same step, `times` times.
    FakeHttp& reply_times(int times, long status, const std::string& body) {
        for (int i = 0; i < times; ++i)
            reply(status, body);
        return *this;
    }

    net::HttpResponse send(const net::HttpRequest& request) override {
        requests.push_back(request);
        if (script_.empty())
            throw std::logic_error("FakeHttp: no scripted answer left for " + request.url);
        auto next = std::move(script_.front());
        script_.pop_front();
        if (auto* error = std::get_if<net::NetworkError>(&next))
            throw *error;
        return std::get<net::HttpResponse>(next);
    }
    net::HttpResponse download(const net::DownloadRequest&, net::DownloadSink&) override {
        throw std::logic_error("FakeHttp: the client never downloads");
    }

    std::vector<net::HttpRequest> requests;

private:
    std::deque<std::variant<net::HttpResponse, net::NetworkError>> script_;
};

// ---- reading what was sent -------------------------------------------------

using Params = std::map<std::string, std::string>;

Params decode_pairs(const std::string& text) {
    Params out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('&', start);
        if (end == std::string::npos)
            end = text.size();
        const std::string pair = text.substr(start, end - start);
        const auto equals = pair.find('=');
        out[percent_decode(pair.substr(0, equals))] =
            equals == std::string::npos ? "" : percent_decode(pair.substr(equals + 1));
        start = end + 1;
    }
    return out;
}

Params query_of(const net::HttpRequest& request) {
    const auto question = request.url.find('?');
    return question == std::string::npos ? Params{} : decode_pairs(request.url.substr(question + 1));
}

// ---- answers ---------------------------------------------------------------

std::string json_body(const json& value) { return value.dump(); }

std::string task_answer(const std::string& task_id) {
    return json_body({{"RequestId", "req-ok"}, {"TaskId", task_id}});
}

std::string sdk_answer(const std::string& url) {
    return json_body({{"RequestId", "req-ok"}, {"SdkUrl", url}});
}

std::string error_answer(const std::string& code, const std::string& message = "failed") {
    return json_body({{"RequestId", "req-err"},
                      {"HostId", "cloudauth.aliyuncs.com"},
                      {"Code", code},
                      {"Message", message},
                      {"Recommend", "https://api.aliyun.com/troubleshoot?q=" + code}});
}

// ---- errors ----------------------------------------------------------------

struct Failure {
    bool thrown = false;
    ExitCode code = ExitCode::Ok;
    std::string message;
    ErrorDetails details;
};

template <class F> Failure failure_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return {true, e.code(), e.what(), e.details()};
    }
    return {};
}

const auto fixed_time = std::chrono::system_clock::from_time_t(1767225600); // 2026-01-01T00:00:00Z
const std::string app_url = "https://apps.example.com/builds/app-release.apk?v=1&x=a b";

// ---- fixture ---------------------------------------------------------------

class CloudauthClientTest : public ::testing::Test {
protected:
    CloudauthClientTest() {
        settings.endpoint = net::parse_endpoint("https://cloudauth.aliyuncs.com");
        settings.retry.max_retries = 3;
        settings.retry.base = std::chrono::milliseconds(100);
        settings.retry.cap = std::chrono::milliseconds(1000);
    }

    CloudauthClient client() {
        ClientHooks hooks{[this](std::chrono::milliseconds d) { delays.push_back(d); },
                          [] { return fixed_time; },
                          [this] { return "nonce-" + std::to_string(++nonces_issued); }};
        Log log;
        log.debug = [this](const std::string& line) { debug_lines.push_back(line); };
        log.info = [this](const std::string& line) { info_lines.push_back(line); };
        return CloudauthClient(http, credentials, settings, log, hooks);
    }

    Failure create_failure() {
        return failure_of([&] { client().create_verify_sdk(app_url, "android"); });
    }

    std::vector<std::string> sent_nonces() const {
        std::vector<std::string> out;
        for (const auto& request : http.requests)
            out.push_back(query_of(request)["SignatureNonce"]);
        return out;
    }

    void expect_fresh_nonce_per_attempt() const {
        const auto nonces = sent_nonces();
        const std::set<std::string> distinct(nonces.begin(), nonces.end());
        EXPECT_EQ(distinct.size(), nonces.size()) << "every attempt must be signed afresh";
        EXPECT_EQ(distinct.count(""), 0u);
    }

    FakeHttp http;
    ClientSettings settings;
    auth::Credentials credentials{"LTAI5tExampleKeyABCD", "example-secret", "", "test"};
    std::vector<std::chrono::milliseconds> delays;
    std::vector<std::string> debug_lines, info_lines;
    int nonces_issued = 0;
};

} // namespace

// ---- successful answers ------------------------------------------------------

TEST_F(CloudauthClientTest, CreateReturnsTopLevelTaskId) {
    http.reply(200, task_answer("task-123"));
    const auto result = client().create_verify_sdk(app_url, "android");
    EXPECT_EQ(result.task_id, "task-123");
    EXPECT_EQ(result.request_id, "req-ok");
    EXPECT_EQ(http.requests.size(), 1u);
    EXPECT_TRUE(delays.empty());
}

TEST_F(CloudauthClientTest, CreateReturnsTaskIdUnderData) {
    http.reply(200, json_body({{"RequestId", "req-d"},
                               {"Data", {{"TaskId", "task-456"}}},
                               {"Success", true},
                               {"Code", "1"}}));
    const auto result = client().create_verify_sdk(app_url, "");
    EXPECT_EQ(result.task_id, "task-456");
    EXPECT_EQ(result.request_id, "req-d");
}

TEST_F(CloudauthClientTest, CreateReadsXmlAnswers) {
    settings.format = "XML";
    http.reply(200, "<CreateVerifySDKResponse><RequestId>req-x</RequestId>"
                    "<TaskId>task-x</TaskId></CreateVerifySDKResponse>");
    EXPECT_EQ(client().create_verify_sdk(app_url, "").task_id, "task-x");
    EXPECT_EQ(query_of(http.requests[0])["Format"], "XML");
}

TEST_F(CloudauthClientTest, CreateWithoutTaskIdIsAServiceError) {
    http.reply(200, json_body({{"RequestId", "req-n"}}));
    const Failure f = create_failure();
    EXPECT_EQ(f.code, ExitCode::Service);
    EXPECT_EQ(f.details.request_id, "req-n");
}

TEST_F(CloudauthClientTest, DescribeReportsNotReadyThenTheUrl) {
    http.reply(200, sdk_answer("")).reply(200, sdk_answer("https://cdn.example.com/sdk.zip?sig=1"));
    auto c = client();
    const auto pending = c.describe_verify_sdk("task-1");
    EXPECT_FALSE(pending.ready());
    EXPECT_EQ(pending.sdk_url, "");
    const auto done = c.describe_verify_sdk("task-1");
    EXPECT_TRUE(done.ready());
    EXPECT_EQ(done.sdk_url, "https://cdn.example.com/sdk.zip?sig=1");
    EXPECT_EQ(done.request_id, "req-ok");
    EXPECT_EQ(query_of(http.requests[0])["TaskId"], "task-1");
    EXPECT_EQ(query_of(http.requests[0])["Action"], "DescribeVerifySDK");
}

TEST_F(CloudauthClientTest, DescribeReadsDataSdkUrlAndDataUrl) {
    http.reply(200, json_body({{"Data", {{"SdkUrl", "https://cdn.example.com/a.zip"}}}}))
        .reply(200, json_body({{"Data", {{"Url", "https://cdn.example.com/b.zip"}}}}));
    auto c = client();
    EXPECT_EQ(c.describe_verify_sdk("t").sdk_url, "https://cdn.example.com/a.zip");
    EXPECT_EQ(c.describe_verify_sdk("t").sdk_url, "https://cdn.example.com/b.zip");
}

TEST_F(CloudauthClientTest, DescribeWithoutSdkUrlFieldIsAServiceError) {
    http.reply(200, json_body({{"RequestId", "req-n"}}));
    const Failure f = failure_of([&] { client().describe_verify_sdk("t"); });
    EXPECT_EQ(f.code, ExitCode::Service);
    EXPECT_EQ(f.details.request_id, "req-n");
}

// ---- retried failures ----------------------------------------------------------

struct RetryCase {
    const char* name;
    long status;           // 0: a retryable network error instead of an answer
    std::string body;
    ExitCode when_exhausted;
};

class CloudauthClientRetry : public CloudauthClientTest,
                             public ::testing::WithParamInterface<RetryCase> {
protected:
    void script_failure() {
        const RetryCase& c = GetParam();
        if (c.status == 0)
            http.fail("connection reset by peer", true);
        else
            http.reply(c.status, c.body);
    }
};

TEST_P(CloudauthClientRetry, RetriesWithAFreshNonceAndSucceeds) {
    script_failure();
    script_failure();
    http.reply(200, task_answer("task-after-retry"));
    auto c = client();
    EXPECT_EQ(c.create_verify_sdk(app_url, "").task_id, "task-after-retry");
    EXPECT_EQ(c.last_attempts(), 3);
    ASSERT_EQ(http.requests.size(), 3u);
    expect_fresh_nonce_per_attempt();
    ASSERT_EQ(delays.size(), 2u);
    EXPECT_LE(delays[0], settings.retry.base);
    EXPECT_LE(delays[1], 2 * settings.retry.base);
    EXPECT_EQ(info_lines.size(), 2u) << "each retry is announced";
}

TEST_P(CloudauthClientRetry, GivesUpAfterMaxRetries) {
    for (int i = 0; i < settings.retry.max_retries + 3; ++i)
        script_failure();
    const Failure f = create_failure();
    EXPECT_TRUE(f.thrown);
    EXPECT_EQ(f.code, GetParam().when_exhausted);
    EXPECT_EQ(http.requests.size(), static_cast<std::size_t>(settings.retry.max_retries + 1));
    EXPECT_EQ(delays.size(), static_cast<std::size_t>(settings.retry.max_retries));
    expect_fresh_nonce_per_attempt();
}

TEST_P(CloudauthClientRetry, NoRetryWhenMaxRetriesIsZero) {
    settings.retry.max_retries = 0;
    script_failure();
    EXPECT_TRUE(create_failure().thrown);
    EXPECT_EQ(http.requests.size(), 1u);
    EXPECT_TRUE(delays.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Failures, CloudauthClientRetry,
    ::testing::Values(
        RetryCase{"ServiceUnavailable503", 503, error_answer("ServiceUnavailable"),
                  ExitCode::Service},
        RetryCase{"InternalError500", 500, error_answer("InternalError"), ExitCode::Service},
        RetryCase{"ThrottlingUser", 400, error_answer("Throttling.User"), ExitCode::Service},
        RetryCase{"RejectedThrottling", 429, error_answer("Rejected.Throttling"),
                  ExitCode::Service},
        RetryCase{"SignatureNonceUsed", 400, error_answer("SignatureNonceUsed"),
                  ExitCode::Service},
        RetryCase{"Http500WithoutCode", 500, R"({"RequestId": "req-err"})", ExitCode::Service},
        RetryCase{"RetryableNetworkError", 0, "", ExitCode::Network},
        RetryCase{"Unreadable200Body", 200, R"({"RequestId": "r", "TaskId": "ta)",
                  ExitCode::Network},
        RetryCase{"Html502Page", 502, "<!DOCTYPE html><title>Bad Gateway</title>",
                  ExitCode::Network}),
    [](const ::testing::TestParamInfo<RetryCase>& info) { return info.param.name; });

TEST_F(CloudauthClientTest, ExhaustedNetworkRetriesSayHowManyAttempts) {
    for (int i = 0; i <= settings.retry.max_retries; ++i)
        http.fail("connection timed out", true);
    const Failure f = create_failure();
    EXPECT_EQ(f.code, ExitCode::Network);
    EXPECT_THAT(f.message, HasSubstr("connection timed out"));
    EXPECT_THAT(f.message, HasSubstr("4 attempts"));
}

TEST_F(CloudauthClientTest, NonRetryableNetworkErrorIsNotRetried) {
    http.fail("server certificate verification failed", false);
    const Failure f = create_failure();
    EXPECT_EQ(f.code, ExitCode::Network);
    EXPECT_EQ(http.requests.size(), 1u);
    EXPECT_TRUE(delays.empty());
}

TEST_F(CloudauthClientTest, AcsRetryAfterHeaderInMillisecondsSetsTheDelay) {
    http.reply(400, error_answer("Throttling.User"), {{"x-acs-retry-after", "1500"}})
        .reply(200, task_answer("t"));
    client().create_verify_sdk(app_url, "");
    ASSERT_EQ(delays.size(), 1u);
    EXPECT_EQ(delays[0], std::chrono::milliseconds(1500));
}

TEST_F(CloudauthClientTest, RetryAfterHeaderInSecondsSetsTheDelay) {
    http.reply(503, error_answer("ServiceUnavailable"), {{"retry-after", "2"}})
        .reply(200, task_answer("t"));
    client().create_verify_sdk(app_url, "");
    ASSERT_EQ(delays.size(), 1u);
    EXPECT_EQ(delays[0], std::chrono::seconds(2));
}

TEST_F(CloudauthClientTest, RetriedRequestsKeepTheSameParametersButNotTheSignature) {
    http.reply(503, error_answer("ServiceUnavailable")).reply(200, task_answer("t"));
    client().create_verify_sdk(app_url, "android");
    auto first = query_of(http.requests[0]);
    auto second = query_of(http.requests[1]);
    EXPECT_NE(first["Signature"], second["Signature"]);
    for (auto* q : {&first, &second}) {
        q->erase("Signature");
        q->erase("SignatureNonce");
    }
    EXPECT_EQ(first, second);
}

// ---- failures that are never retried --------------------------------------------

struct PermanentCase {
    const char* name;
    long status;
    std::string code;
    ExitCode exit;
    std::string hint_word; // lower case; empty: not checked
};

class CloudauthClientPermanent : public CloudauthClientTest,
                                 public ::testing::WithParamInterface<PermanentCase> {};

TEST_P(CloudauthClientPermanent, FailsAtOnceWithCodeRequestIdAndHint) {
    const PermanentCase& c = GetParam();
    http.reply(c.status, error_answer(c.code, "the service says no"))
        .reply(200, task_answer("must-not-be-reached"));
    const Failure f = create_failure();
    ASSERT_TRUE(f.thrown);
    EXPECT_EQ(f.code, c.exit);
    EXPECT_EQ(http.requests.size(), 1u);
    EXPECT_TRUE(delays.empty());
    EXPECT_EQ(f.details.service_code, c.code);
    EXPECT_EQ(f.details.request_id, "req-err");
    EXPECT_THAT(f.message, HasSubstr("the service says no"));
    EXPECT_FALSE(f.details.hint.empty());
    std::string hint = f.details.hint;
    for (auto& ch : hint)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!c.hint_word.empty())
        EXPECT_THAT(hint, HasSubstr(c.hint_word));
    EXPECT_THAT(f.details.hint, Not(HasSubstr(credentials.access_key_secret)));
    EXPECT_THAT(f.details.hint, Not(HasSubstr(credentials.access_key_id)));
}

INSTANTIATE_TEST_SUITE_P(
    Codes, CloudauthClientPermanent,
    ::testing::Values(
        PermanentCase{"SignatureDoesNotMatch", 400, "SignatureDoesNotMatch",
                      ExitCode::Credentials, "secret"},
        PermanentCase{"InvalidAccessKeyIdNotFound", 404, "InvalidAccessKeyId.NotFound",
                      ExitCode::Credentials, "accesskeyid"},
        PermanentCase{"ForbiddenRam", 403, "Forbidden.RAM", ExitCode::Credentials, "permission"},
        PermanentCase{"InvalidParameterAppUrl", 400, "InvalidParameter.AppUrl", ExitCode::Service,
                      ""},
        PermanentCase{"MissingParameter", 400, "MissingParameter", ExitCode::Service, ""},
        PermanentCase{"InvalidTimeStampExpired", 400, "InvalidTimeStamp.Expired",
                      ExitCode::Service, "clock"}),
    [](const ::testing::TestParamInfo<PermanentCase>& info) { return info.param.name; });

TEST_F(CloudauthClientTest, Http200WithSuccessFalseIsAServiceError) {
    http.reply(200, json_body({{"RequestId", "req-sf"},
                               {"Success", false},
                               {"Code", "InvalidParameter.AppUrl"},
                               {"Message", "cannot download the app"}}));
    const Failure f = create_failure();
    EXPECT_EQ(f.code, ExitCode::Service);
    EXPECT_EQ(f.details.service_code, "InvalidParameter.AppUrl");
    EXPECT_EQ(f.details.request_id, "req-sf");
    EXPECT_THAT(f.message, HasSubstr("cannot download the app"));
    EXPECT_EQ(http.requests.size(), 1u);
}

TEST_F(CloudauthClientTest, XmlErrorDocumentCarriesCodeAndRequestId) {
    settings.format = "XML";
    http.reply(400, "<?xml version=\"1.0\"?><Error><RequestId>req-xml</RequestId>"
                    "<HostId>cloudauth.aliyuncs.com</HostId><Code>MissingParameter</Code>"
                    "<Message>AppUrl is mandatory</Message></Error>");
    const Failure f = create_failure();
    EXPECT_EQ(f.code, ExitCode::Service);
    EXPECT_EQ(f.details.service_code, "MissingParameter");
    EXPECT_EQ(f.details.request_id, "req-xml");
}

TEST_F(CloudauthClientTest, NotFoundHtmlPageIsAServiceErrorWithoutRetry) {
    http.reply(404, "<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>")
        .reply(200, task_answer("must-not-be-reached"));
    const Failure f = create_failure();
    EXPECT_EQ(f.code, ExitCode::Service);
    EXPECT_EQ(http.requests.size(), 1u);
    EXPECT_TRUE(delays.empty());
    EXPECT_EQ(f.details.service_code, "HTTP 404");
    EXPECT_THAT(f.message, HasSubstr("HTTP 404"));
    EXPECT_THAT(f.message, HasSubstr("404 Not Found"));
}

// ---- answers the client must not trust -----------------------------------------

class CloudauthClientBadTaskId : public CloudauthClientTest,
                                 public ::testing::WithParamInterface<std::string> {};

TEST_P(CloudauthClientBadTaskId, CreateRefusesIt) {
    http.reply(200, task_answer(GetParam()));
    const Failure f = create_failure();
    EXPECT_EQ(f.code, ExitCode::Service);
    EXPECT_EQ(f.details.request_id, "req-ok");
    EXPECT_THAT(f.message, Not(HasSubstr("\n")));
}

INSTANTIATE_TEST_SUITE_P(TaskIds, CloudauthClientBadTaskId,
                         ::testing::Values("../x", "a b", "task\nid", std::string(129, 'a'),
                                           "a/b", "x;rm", "\xe4\xb8\xad"));

TEST_F(CloudauthClientTest, LongestValidTaskIdIsAccepted) {
    const std::string longest = std::string(126, 'A') + "._";
    http.reply(200, task_answer(longest));
    EXPECT_EQ(client().create_verify_sdk(app_url, "").task_id, longest);
}

TEST(TaskIdValidation, Table) {
    EXPECT_TRUE(is_valid_task_id("abc-DEF_123.x"));
    EXPECT_TRUE(is_valid_task_id(std::string(128, '9')));
    EXPECT_FALSE(is_valid_task_id(""));
    EXPECT_FALSE(is_valid_task_id(std::string(129, '9')));
    EXPECT_FALSE(is_valid_task_id("a b"));
    EXPECT_FALSE(is_valid_task_id("../x"));
    EXPECT_FALSE(is_valid_task_id(std::string("a\0b", 3)));
}

class CloudauthClientBadSdkUrl : public CloudauthClientTest,
                                 public ::testing::WithParamInterface<std::string> {};

TEST_P(CloudauthClientBadSdkUrl, DescribeRefusesIt) {
    http.reply(200, sdk_answer(GetParam()));
    const Failure f = failure_of([&] { client().describe_verify_sdk("task-1"); });
    EXPECT_EQ(f.code, ExitCode::Service);
    EXPECT_EQ(f.details.request_id, "req-ok");
}

INSTANTIATE_TEST_SUITE_P(Urls, CloudauthClientBadSdkUrl,
                         ::testing::Values("file:///etc/passwd", "https://cdn.example.com/a\x01.zip",
                                           "https://cdn.example.com/a\n.zip",
                                           "https://cdn.example.com/a b.zip",
                                           "ftp://cdn.example.com/sdk.zip", "/relative/sdk.zip",
                                           "https://cdn.example.com/" + std::string(9000, 'a')));

TEST_F(CloudauthClientTest, DescribeRefusesAnInvalidTaskIdWithoutSendingAnything) {
    for (const std::string bad : {"", "../x", "a b", "a\nb"}) {
        const Failure f = failure_of([&] { client().describe_verify_sdk(bad); });
        EXPECT_EQ(f.code, ExitCode::Usage) << "task id \"" << bad << "\"";
        EXPECT_THAT(f.message, Not(HasSubstr("\n")));
    }
    EXPECT_TRUE(http.requests.empty());
}

// ---- the requests on the wire ------------------------------------------------------

TEST_F(CloudauthClientTest, DefaultRequestIsPostWithEverythingInTheQuery) {
    http.reply(200, task_answer("t"));
    client().create_verify_sdk(app_url, "android");
    ASSERT_EQ(http.requests.size(), 1u);
    const auto& request = http.requests[0];
    EXPECT_EQ(request.method, "POST");
    EXPECT_THAT(request.url, StartsWith("https://cloudauth.aliyuncs.com/?"));
    EXPECT_TRUE(request.body.empty());
    auto query = query_of(request);
    EXPECT_EQ(query["Action"], "CreateVerifySDK");
    EXPECT_EQ(query["Version"], "2019-03-07");
    EXPECT_EQ(query["Format"], "JSON");
    EXPECT_EQ(query["AppUrl"], app_url);
    EXPECT_EQ(query["Platform"], "ANDROID");
    EXPECT_EQ(query["AccessKeyId"], credentials.access_key_id);
    EXPECT_EQ(query["SignatureMethod"], "HMAC-SHA1");
    EXPECT_EQ(query["SignatureVersion"], "1.0");
    EXPECT_EQ(query["SignatureNonce"], "nonce-1");
    EXPECT_EQ(query["Timestamp"], "2026-01-01T00:00:00Z");
    EXPECT_FALSE(query["Signature"].empty());
    EXPECT_EQ(query.count("SecurityToken"), 0u);

    const std::string signature = query["Signature"];
    query.erase("Signature");
    const Parameters sent(query.begin(), query.end());
    EXPECT_EQ(signature, rpc_signature(credentials.access_key_secret,
                                       string_to_sign("POST", canonical_query(sent))));
}

TEST_F(CloudauthClientTest, GetRequestHasNoBody) {
    settings.method = "GET";
    http.reply(200, sdk_answer(""));
    client().describe_verify_sdk("task-9");
    const auto& request = http.requests.at(0);
    EXPECT_EQ(request.method, "GET");
    EXPECT_TRUE(request.body.empty());
    EXPECT_EQ(query_of(request)["TaskId"], "task-9");
}

TEST_F(CloudauthClientTest, FormBodyCarriesTheActionParameters) {
    settings.form_body = true;
    http.reply(200, task_answer("t"));
    client().create_verify_sdk(app_url, "ios");
    const auto& request = http.requests.at(0);
    EXPECT_EQ(request.method, "POST");
    const auto body = decode_pairs(request.body);
    EXPECT_EQ(body, (Params{{"AppUrl", app_url}, {"Platform", "IOS"}}));
    const auto query = query_of(request);
    EXPECT_EQ(query.count("AppUrl"), 0u);
    EXPECT_EQ(query.count("Platform"), 0u);
    EXPECT_EQ(query.at("Action"), "CreateVerifySDK");
    EXPECT_THAT(request.headers,
                ::testing::Contains(std::pair<std::string, std::string>(
                    "Content-Type", "application/x-www-form-urlencoded")));
}

TEST_F(CloudauthClientTest, PlatformIsSentUpperCaseAndOmittedWhenEmpty) {
    http.reply(200, task_answer("t")).reply(200, task_answer("t"));
    auto c = client();
    c.create_verify_sdk(app_url, "iOs");
    c.create_verify_sdk(app_url, "");
    EXPECT_EQ(query_of(http.requests[0])["Platform"], "IOS");
    EXPECT_EQ(query_of(http.requests[1]).count("Platform"), 0u);
}

TEST_F(CloudauthClientTest, StsTokenIsSentAsSecurityToken) {
    credentials.security_token = "sts-token-value";
    http.reply(200, task_answer("t"));
    client().create_verify_sdk(app_url, "");
    EXPECT_EQ(query_of(http.requests[0])["SecurityToken"], "sts-token-value");
}

TEST_F(CloudauthClientTest, VerboseLogNeverShowsSignatureOrToken) {
    credentials.security_token = "sts-token-value";
    http.reply(503, error_answer("ServiceUnavailable")).reply(200, task_answer("t"));
    client().create_verify_sdk(app_url, "");
    ASSERT_FALSE(debug_lines.empty());
    std::string all;
    for (const auto& line : debug_lines)
        all += line + "\n";
    for (const auto& request : http.requests)
        EXPECT_THAT(all, Not(HasSubstr(percent_encode(query_of(request)["Signature"]))));
    EXPECT_THAT(all, Not(HasSubstr("sts-token-value")));
    EXPECT_THAT(all, Not(HasSubstr(credentials.access_key_id)));
    EXPECT_THAT(all, HasSubstr("ABCD"));
}

TEST_F(CloudauthClientTest, SignNowUsesTheHooks) {
    const auto request = client().sign_now(CloudauthClient::describe_call(settings, "t"));
    const auto query = query_of(request);
    EXPECT_EQ(query.at("SignatureNonce"), "nonce-1");
    EXPECT_EQ(query.at("Timestamp"), "2026-01-01T00:00:00Z");
    EXPECT_TRUE(http.requests.empty());
}
