// Reading Cloudauth answers: every JSON and XML shape met in the wild, error
// documents, and bodies that are not answers at all (which must surface as a
// retryable net::NetworkError naming the HTTP status and the first bytes).
#include "api/response_reader.hpp"
#include "net/network_error.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>

using namespace verifysdk;
using namespace verifysdk::api;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

net::HttpResponse reply(long status, std::string body) {
    net::HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

ResponseDocument read(long status, const std::string& body) {
    return read_response_document(reply(status, body));
}

// The error a body that is not a JSON or XML document must raise.
net::NetworkError unreadable(long status, const std::string& body) {
    try {
        read(status, body);
    } catch (const net::NetworkError& error) {
        return error;
    }
    ADD_FAILURE() << "no NetworkError for body \"" << preview_bytes(body) << "\"";
    return net::NetworkError("nothing thrown", false);
}

bool all_printable(const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte >= 0x20 && byte < 0x7f;
    });
}

} // namespace

// ---- JSON shapes ----------------------------------------------------------

TEST(ResponseReaderJson, CurrentCreateShapeHasTopLevelFields) {
    const auto document = read(200, R"({"RequestId": "req-1", "TaskId": "task-1"})");
    EXPECT_EQ(document.get("RequestId"), "req-1");
    EXPECT_EQ(document.get("TaskId"), "task-1");
    EXPECT_EQ(document.get("SdkUrl"), std::nullopt);
    EXPECT_FALSE(service_error_in(document, 200));
}

TEST(ResponseReaderJson, DocumentedCreateShapeHasTaskIdUnderData) {
    const auto document =
        read(200, R"({"RequestId": "req-2", "Data": {"TaskId": "task-2"}, "Success": true,
                      "Code": "1"})");
    EXPECT_EQ(document.get("Data.TaskId"), "task-2");
    EXPECT_EQ(document.get("TaskId"), std::nullopt);
    EXPECT_EQ(document.first_of({"TaskId", "Data.TaskId"}), "task-2");
    EXPECT_EQ(document.get("Success"), "true");
    EXPECT_EQ(document.get("Code"), "1");
    EXPECT_FALSE(service_error_in(document, 200)) << "Success true with Code 1 is not a failure";
}

TEST(ResponseReaderJson, DescribeShapesSdkUrlTopLevelDataSdkUrlAndDataUrl) {
    const auto top = read(200, R"({"RequestId": "r", "SdkUrl": "https://cdn.example/sdk.zip"})");
    const auto data_sdk_url = read(200, R"({"Data": {"SdkUrl": "https://cdn.example/a.zip"}})");
    const auto data_url = read(200, R"({"Data": {"Url": "https://cdn.example/b.zip"}})");
    const auto pick = [](const ResponseDocument& d) {
        return d.first_of({"SdkUrl", "Data.SdkUrl", "Data.Url"});
    };
    EXPECT_EQ(pick(top), "https://cdn.example/sdk.zip");
    EXPECT_EQ(pick(data_sdk_url), "https://cdn.example/a.zip");
    EXPECT_EQ(pick(data_url), "https://cdn.example/b.zip");
}

TEST(ResponseReaderJson, EmptySdkUrlIsPresentButEmpty) {
    const auto document = read(200, R"({"RequestId": "r", "SdkUrl": ""})");
    EXPECT_EQ(document.get("SdkUrl"), "");
}

TEST(ResponseReaderJson, NonStringScalarsAreKeptAsTextAndStructuresIgnored) {
    const auto document = read(200, R"({"Count": 3, "Flag": false, "Nothing": null,
        "List": [1, 2], "Other": {"TaskId": "not-data"}, "Data": {"Nested": {"x": 1}, "N": 7}})");
    EXPECT_EQ(document.get("Count"), "3");
    EXPECT_EQ(document.get("Flag"), "false");
    EXPECT_EQ(document.get("Nothing"), std::nullopt);
    EXPECT_EQ(document.get("List"), std::nullopt);
    EXPECT_EQ(document.get("Other.TaskId"), std::nullopt) << "only Data is looked into";
    EXPECT_EQ(document.get("Data.Nested"), std::nullopt);
    EXPECT_EQ(document.get("Data.N"), "7");
}

TEST(ResponseReaderJson, LeadingWhitespaceIsAccepted) {
    EXPECT_EQ(read(200, "\r\n  {\"TaskId\": \"t\"}\n").get("TaskId"), "t");
}

// ---- XML shapes -----------------------------------------------------------

TEST(ResponseReaderXml, CreateResponseWithTopLevelTaskId) {
    const auto document = read(200, R"(<?xml version="1.0" encoding="UTF-8"?>
<CreateVerifySDKResponse>
  <RequestId>req-x1</RequestId>
  <TaskId>task-x1</TaskId>
</CreateVerifySDKResponse>)");
    EXPECT_EQ(document.get("RequestId"), "req-x1");
    EXPECT_EQ(document.get("TaskId"), "task-x1");
    EXPECT_FALSE(service_error_in(document, 200));
}

TEST(ResponseReaderXml, CreateResponseWithData) {
    const auto document = read(200, R"(<?xml version="1.0" encoding="UTF-8"?>
<CreateVerifySDKResponse>
  <RequestId>req-x2</RequestId>
  <Data><TaskId>task-x2</TaskId></Data>
  <Success>true</Success>
  <Code>1</Code>
</CreateVerifySDKResponse>)");
    EXPECT_EQ(document.first_of({"TaskId", "Data.TaskId"}), "task-x2");
    EXPECT_EQ(document.get("Data.TaskId"), "task-x2");
    EXPECT_EQ(document.get("Success"), "true");
    EXPECT_FALSE(service_error_in(document, 200));
}

TEST(ResponseReaderXml, DescribeResponseWithTopLevelSdkUrl) {
    const auto document = read(200, "<DescribeVerifySDKResponse><RequestId>r</RequestId>"
                                    "<SdkUrl>https://cdn.example/sdk.zip?a=1&amp;b=2</SdkUrl>"
                                    "</DescribeVerifySDKResponse>");
    EXPECT_EQ(document.get("SdkUrl"), "https://cdn.example/sdk.zip?a=1&b=2");
}

TEST(ResponseReaderXml, DescribeResponseWithEmptySdkUrl) {
    const auto document = read(200, "<DescribeVerifySDKResponse><RequestId>r</RequestId>"
                                    "<SdkUrl/></DescribeVerifySDKResponse>");
    EXPECT_EQ(document.get("SdkUrl"), "");
}

TEST(ResponseReaderXml, DescribeResponseWithDataSdkUrlOrDataUrl) {
    const auto sdk_url = read(200, "<DescribeVerifySDKResponse><Data>"
                                   "<SdkUrl>https://cdn.example/a.zip</SdkUrl>"
                                   "</Data></DescribeVerifySDKResponse>");
    const auto url = read(200, "<DescribeVerifySDKResponse><Data>"
                               "<Url>https://cdn.example/b.zip</Url>"
                               "</Data></DescribeVerifySDKResponse>");
    EXPECT_EQ(sdk_url.get("Data.SdkUrl"), "https://cdn.example/a.zip");
    EXPECT_EQ(url.get("Data.Url"), "https://cdn.example/b.zip");
}

// ---- failures reported inside a readable document -------------------------

TEST(ResponseReaderErrors, Http200WithSuccessFalseIsAServiceError) {
    const auto document = read(200, R"({"RequestId": "req-f", "Success": false,
        "Code": "InvalidParameter.AppUrl", "Message": "the app cannot be downloaded"})");
    const auto error = service_error_in(document, 200);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->status, 200);
    EXPECT_EQ(error->code, "InvalidParameter.AppUrl");
    EXPECT_EQ(error->message, "the app cannot be downloaded");
    EXPECT_EQ(error->request_id, "req-f");
}

TEST(ResponseReaderErrors, Http200WithSuccessFalseInXml) {
    const auto document = read(200, "<CreateVerifySDKResponse><RequestId>req-g</RequestId>"
                                    "<Success>false</Success><Code>Busy</Code>"
                                    "<Message>try later</Message></CreateVerifySDKResponse>");
    const auto error = service_error_in(document, 200);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code, "Busy");
    EXPECT_EQ(error->message, "try later");
}

TEST(ResponseReaderErrors, JsonErrorBodyCarriesEveryField) {
    const auto document = read(400, R"({"RequestId": "req-e", "HostId": "cloudauth.aliyuncs.com",
        "Code": "MissingParameter", "Message": "AppUrl is mandatory",
        "Recommend": "https://api.aliyun.com/troubleshoot?q=MissingParameter"})");
    const auto error = service_error_in(document, 400);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->status, 400);
    EXPECT_EQ(error->code, "MissingParameter");
    EXPECT_EQ(error->message, "AppUrl is mandatory");
    EXPECT_EQ(error->request_id, "req-e");
    EXPECT_EQ(error->host_id, "cloudauth.aliyuncs.com");
    EXPECT_EQ(error->recommend, "https://api.aliyun.com/troubleshoot?q=MissingParameter");
}

TEST(ResponseReaderErrors, XmlErrorBodyCarriesEveryField) {
    const auto document = read(403, R"(<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <RequestId>req-xe</RequestId>
  <HostId>cloudauth.aliyuncs.com</HostId>
  <Code>SignatureDoesNotMatch</Code>
  <Message>Specified signature is not matched with our calculation.</Message>
  <Recommend><![CDATA[https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch]]></Recommend>
</Error>)");
    const auto error = service_error_in(document, 403);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->status, 403);
    EXPECT_EQ(error->code, "SignatureDoesNotMatch");
    EXPECT_EQ(error->message, "Specified signature is not matched with our calculation.");
    EXPECT_EQ(error->request_id, "req-xe");
    EXPECT_EQ(error->host_id, "cloudauth.aliyuncs.com");
    EXPECT_EQ(error->recommend, "https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch");
}

TEST(ResponseReaderErrors, ErrorStatusWithoutCodeIsStillAnError) {
    const auto error = service_error_in(read(502, R"({"RequestId": "r"})"), 502);
    ASSERT_TRUE(error);
    EXPECT_EQ(error->status, 502);
    EXPECT_EQ(error->code, "");
}

TEST(ResponseReaderErrors, SuccessfulAnswerIsNoError) {
    EXPECT_FALSE(service_error_in(read(200, R"({"TaskId": "t", "Success": "true"})"), 200));
    EXPECT_FALSE(service_error_in(read(200, R"({"TaskId": "t"})"), 200));
}

// ---- bodies that are not answers ------------------------------------------

struct MalformedCase {
    const char* name;
    long status;
    std::string body;
    std::string expected_in_message; // the first bytes as the message shows them
};

class ResponseReaderMalformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(ResponseReaderMalformed, ThrowsRetryableNetworkErrorNamingStatusAndFirstBytes) {
    const MalformedCase& c = GetParam();
    const net::NetworkError error = unreadable(c.status, c.body);
    const std::string message = error.what();
    EXPECT_TRUE(error.retryable());
    EXPECT_EQ(error.code(), ExitCode::Network);
    EXPECT_THAT(message, HasSubstr("HTTP " + std::to_string(c.status)));
    EXPECT_THAT(message, HasSubstr(c.expected_in_message));
    EXPECT_TRUE(all_printable(message)) << message;
    EXPECT_LT(message.size(), 300u) << "the preview must stay short";
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, ResponseReaderMalformed,
    ::testing::Values(
        MalformedCase{"Empty", 200, "", "empty body"},
        MalformedCase{"WhitespaceOnly", 200, " \r\n\t \n", "empty body"},
        MalformedCase{"Doctype", 502, "<!DOCTYPE html><html><body>Bad Gateway</body></html>",
                      "<!DOCTYPE html><html><body>Bad Gateway"},
        MalformedCase{"HtmlTag", 200, "<html><head><title>Portal</title></head></html>",
                      "<html><head><title>Portal</title>"},
        MalformedCase{"HtmlUpperCaseAfterWhitespace", 200,
                      "\n  <HTML><BODY>login required</BODY></HTML>", "<HTML><BODY>login"},
        MalformedCase{"TruncatedJson", 200, R"({"RequestId": "r", "TaskId": "ta)",
                      R"({"RequestId": "r", "TaskId": "ta)"},
        MalformedCase{"TruncatedXml", 200,
                      "<CreateVerifySDKResponse><RequestId>r</RequestId><TaskId>t",
                      "<CreateVerifySDKResponse><RequestId>r</RequestId><TaskId>t"},
        MalformedCase{"JsonArray", 200, R"([{"TaskId": "t"}])", R"([{"TaskId": "t"}])"},
        MalformedCase{"PlainText", 503, "Service Temporarily Unavailable",
                      "Service Temporarily Unavailable"},
        MalformedCase{"BinaryBytes", 200, std::string("\x1f\x8b\x08\x00\xff\x01zip\x00tail", 14),
                      "......zip.tail"}),
    [](const ::testing::TestParamInfo<MalformedCase>& info) { return info.param.name; });

TEST(ResponseReaderMalformedPreview, LongBodyShowsOnlyItsFirstBytes) {
    const std::string body = "<!DOCTYPE html>" + std::string(5000, 'x') + "END";
    const std::string message = unreadable(404, body).what();
    EXPECT_THAT(message, HasSubstr("HTTP 404"));
    EXPECT_THAT(message, HasSubstr("<!DOCTYPE html>xxx"));
    EXPECT_THAT(message, Not(HasSubstr("END")));
    EXPECT_LT(message.size(), 300u);
}

// ---- preview_bytes ----------------------------------------------------------

TEST(PreviewBytes, ShortPrintableTextIsUnchanged) {
    EXPECT_EQ(preview_bytes("hello {world}"), "hello {world}");
    EXPECT_EQ(preview_bytes(""), "");
}

TEST(PreviewBytes, TruncatesAtTheLimitAndMarksIt) {
    EXPECT_EQ(preview_bytes("abcdefgh", 4), "abcd...");
    EXPECT_EQ(preview_bytes("abcd", 4), "abcd") << "exactly the limit is not truncated";
    EXPECT_EQ(preview_bytes(std::string(100, 'a')), std::string(80, 'a') + "...")
        << "default limit is 80";
}

TEST(PreviewBytes, ReplacesControlAndNonAsciiBytes) {
    EXPECT_EQ(preview_bytes("a\tb\nc\rd"), "a.b.c.d");
    EXPECT_EQ(preview_bytes(std::string("\x00\x1b[31m\x7f", 7)), "..[31m.");
    EXPECT_EQ(preview_bytes("caf\xc3\xa9"), "caf..");
    const std::string all_bytes = [] {
        std::string s;
        for (int i = 0; i < 256; ++i)
            s += static_cast<char>(i);
        return s;
    }();
    EXPECT_TRUE(all_printable(preview_bytes(all_bytes, 256)));
}
