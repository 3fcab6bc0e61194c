// OSS error answers: the XML body, the base64 x-oss-err header of HEAD
// answers, which are retried, and the exit code and hint each one gets.
#include "oss/oss_error.hpp"

#include "crypto/digest.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

using namespace verifysdk;
using namespace verifysdk::oss;
using ::testing::HasSubstr;

namespace {

std::string error_xml(const std::string& code, const std::string& message,
                      const std::string& extra = "") {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\n  <Code>" + code +
           "</Code>\n  <Message>" + message +
           "</Message>\n  <RequestId>5C3D9175B6FC201293AD****</RequestId>\n  "
           "<HostId>my-bucket.oss-cn-hangzhou.aliyuncs.com</HostId>" +
           extra + "\n</Error>";
}

net::HttpResponse answer(long status, const std::string& body, net::HeaderMap headers = {}) {
    return {status, std::move(headers), body};
}

const OssErrorContext context{"uploading app.apk to oss://my-bucket/app.apk", "my-bucket",
                              "oss-cn-hangzhou.aliyuncs.com", "LTAI5tExampleKeyABCD"};

Error failure_for(long status, const std::string& code, const std::string& extra = "") {
    const auto error = oss_error_in(answer(status, error_xml(code, "msg " + code, extra)));
    EXPECT_TRUE(error.has_value());
    return oss_failure(*error, context);
}

} // namespace

TEST(OssError, SuccessIsNoError) {
    EXPECT_FALSE(oss_error_in(answer(200, "")).has_value());
    EXPECT_FALSE(oss_error_in(answer(204, "")).has_value());
}

TEST(OssError, ReadsTheXmlBody) {
    const auto error = oss_error_in(
        answer(404, error_xml("NoSuchBucket", "The specified bucket does not exist.")));
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->status, 404);
    EXPECT_EQ(error->code, "NoSuchBucket");
    EXPECT_EQ(error->message, "The specified bucket does not exist.");
    EXPECT_EQ(error->request_id, "5C3D9175B6FC201293AD****");
}

TEST(OssError, ReadsTheXOssErrHeaderOfABodilessHeadAnswer) {
    const std::string encoded =
        crypto::base64_encode(error_xml("SignatureDoesNotMatch", "The request signature ..."));
    const auto error = oss_error_in(
        answer(403, "", {{"x-oss-err", encoded}, {"x-oss-request-id", "REQ-FROM-HEADER"}}));
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->code, "SignatureDoesNotMatch");
    EXPECT_EQ(error->request_id, "5C3D9175B6FC201293AD****");
}

TEST(OssError, UnreadableAnswerKeepsStatusAndRequestId) {
    const auto error =
        oss_error_in(answer(502, "<html>Bad Gateway</html>", {{"x-oss-request-id", "REQ-1"}}));
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->code, "");
    EXPECT_EQ(error->request_id, "REQ-1");
    EXPECT_TRUE(is_retryable(*error));
    const Error failure = oss_failure(*error, context);
    EXPECT_EQ(failure.code(), ExitCode::Service);
    EXPECT_EQ(failure.details().service_code, "HTTP 502");
    EXPECT_THAT(failure.what(), HasSubstr("HTTP 502"));
}

TEST(OssError, CredentialProblemsExitThree) {
    for (const std::string code : {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
                                   "InvalidSecurityToken", "SecurityTokenExpired"}) {
        const Error failure = failure_for(403, code);
        EXPECT_EQ(failure.code(), ExitCode::Credentials) << code;
        EXPECT_EQ(failure.details().service_code, code);
        EXPECT_FALSE(failure.details().hint.empty());
        EXPECT_THAT(failure.what(),
                    HasSubstr("uploading app.apk to oss://my-bucket/app.apk failed"));
    }
    EXPECT_THAT(failure_for(403, "SignatureDoesNotMatch").details().hint,
                HasSubstr("AccessKeySecret"));
    EXPECT_THAT(failure_for(403, "AccessDenied").details().hint, HasSubstr("oss:PutObject"));
    EXPECT_THAT(failure_for(403, "InvalidAccessKeyId").details().hint, HasSubstr("ABCD"));
    EXPECT_THAT(failure_for(403, "InvalidAccessKeyId").details().hint,
                ::testing::Not(HasSubstr("LTAI5t")));
    // A HEAD answer without any detail.
    EXPECT_EQ(oss_failure(*oss_error_in(answer(403, "")), context).code(), ExitCode::Credentials);
}

TEST(OssError, RequestProblemsExitFour) {
    for (const std::string code :
         {"NoSuchBucket", "InvalidObjectName", "InvalidDigest", "InvalidPart", "InvalidPartOrder",
          "NoSuchUpload", "EntityTooLarge", "InvalidArgument", "SomethingNew"}) {
        const Error failure = failure_for(400, code);
        EXPECT_EQ(failure.code(), ExitCode::Service) << code;
        EXPECT_FALSE(failure.details().hint.empty()) << code;
    }
    EXPECT_THAT(failure_for(404, "NoSuchBucket").details().hint, HasSubstr("my-bucket"));
    EXPECT_THAT(failure_for(400, "InvalidObjectName").details().hint, HasSubstr("--upload-key"));
}

TEST(OssError, SkewedClockExitsFourWithAClockHint) {
    const Error failure = failure_for(403, "RequestTimeTooSkewed");
    EXPECT_EQ(failure.code(), ExitCode::Service);
    EXPECT_THAT(failure.details().hint, HasSubstr("clock"));
    EXPECT_THAT(failure.details().hint, HasSubstr("NTP"));
}

TEST(OssError, WrongRegionNamesTheRightOne) {
    const Error failure =
        failure_for(403, "AccessDenied", "<Endpoint>oss-cn-shanghai.aliyuncs.com</Endpoint>");
    EXPECT_EQ(failure.code(), ExitCode::Service);
    EXPECT_THAT(failure.details().hint, HasSubstr("--oss-region cn-shanghai"));
}

TEST(OssError, WhatIsRetried) {
    for (const auto& [status, code] :
         std::vector<std::pair<long, std::string>>{{503, "SlowDown"},
                                                   {500, "InternalError"},
                                                   {503, "ServiceUnavailable"},
                                                   {400, "RequestTimeout"},
                                                   {429, ""},
                                                   {502, ""}})
        EXPECT_TRUE(is_retryable(*oss_error_in(answer(status, error_xml(code, "m"))))) << code;
    for (const auto& [status, code] :
         std::vector<std::pair<long, std::string>>{{403, "AccessDenied"},
                                                   {404, "NoSuchBucket"},
                                                   {403, "RequestTimeTooSkewed"},
                                                   {400, "InvalidDigest"}})
        EXPECT_FALSE(is_retryable(*oss_error_in(answer(status, error_xml(code, "m"))))) << code;
    EXPECT_THAT(
        oss_failure(*oss_error_in(answer(503, error_xml("SlowDown", "Please reduce"))), context)
            .details()
            .hint,
        HasSubstr("later"));
}

TEST(Base64, DecodeRoundTripsAndRejectsGarbage) {
    for (const std::string& text :
         std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)})
        EXPECT_EQ(crypto::base64_decode(crypto::base64_encode(text)), text);
    EXPECT_EQ(crypto::base64_decode("YWJj\nZA=="), "abcd");
    EXPECT_FALSE(crypto::base64_decode("abc").has_value());
    EXPECT_FALSE(crypto::base64_decode("a$c=").has_value());
}

TEST(Md5, KnownDigests) {
    EXPECT_EQ(crypto::hex_encode(crypto::md5("")), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(crypto::base64_encode(crypto::md5("0123456789")), "eB5eJF1ptWaXm4bijSPyxw==");
}
