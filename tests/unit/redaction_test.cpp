// What a log line or --dry-run may show of a signed request: never the
// Signature or the SecurityToken, only the last 4 characters of the
// AccessKeyId, every other parameter untouched.
#include "api/percent_encoding.hpp"
#include "api/redaction.hpp"
#include "api/rpc_signer.hpp"
#include "auth/credentials.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

using namespace verifysdk;
using namespace verifysdk::api;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

const std::string key_id = "LTAI5tExampleKeyABCD";
const std::string hidden_key_id = "****************ABCD"; // 16 stars + last 4
const std::string signature = "k8Jx%2Bq%2F0abc%3D";     // percent-encoded as sent
const std::string token = "CAIS8gF1q6Ft5B2yfSjIr5bDsecrettoken";

// Parameters that must pass through unchanged, and their redacted form.
std::string params(const std::string& id, const std::string& sig, const std::string& tok) {
    return "AccessKeyId=" + id + "&Action=CreateVerifySDK" +
           "&AppUrl=https%3A%2F%2Fapps.example.com%2Fa.apk%3Fv%3D1" + "&SecurityToken=" + tok +
           "&SignatureNonce=nonce-1&Timestamp=2026-01-01T00%3A00%3A00Z" + "&Signature=" + sig;
}

} // namespace

TEST(Redaction, UrlQueryHidesSecretsAndKeepsTheRest) {
    const std::string url = "https://cloudauth.aliyuncs.com/?" + params(key_id, signature, token);
    EXPECT_EQ(redact_request_text(url), "https://cloudauth.aliyuncs.com/?" +
                                            params(hidden_key_id, "REDACTED", "REDACTED"));
}

TEST(Redaction, FormBodyHidesSecretsAndKeepsTheRest) {
    EXPECT_EQ(redact_request_text(params(key_id, signature, token)),
              params(hidden_key_id, "REDACTED", "REDACTED"));
}

TEST(Redaction, NothingOfTheSecretsSurvives) {
    const std::string redacted =
        redact_request_text("https://cloudauth.aliyuncs.com/?" + params(key_id, signature, token));
    EXPECT_THAT(redacted, Not(HasSubstr(signature)));
    EXPECT_THAT(redacted, Not(HasSubstr("k8Jx")));
    EXPECT_THAT(redacted, Not(HasSubstr(token)));
    EXPECT_THAT(redacted, Not(HasSubstr(key_id)));
    EXPECT_THAT(redacted, Not(HasSubstr("LTAI")));
}

TEST(Redaction, PercentEncodedAccessKeyIdShowsItsDecodedLastFour) {
    EXPECT_EQ(redact_request_text("AccessKeyId=ab%2Bcdefg"), "AccessKeyId=****defg");
}

TEST(Redaction, ShortAccessKeyIdIsHiddenEntirely) {
    EXPECT_EQ(redact_request_text("AccessKeyId=abcd&X=1"), "AccessKeyId=****&X=1");
    EXPECT_EQ(redact_request_text("AccessKeyId=&X=1"), "AccessKeyId=****&X=1");
}

TEST(Redaction, EncodedParameterNamesAreRecognised) {
    EXPECT_EQ(redact_request_text("Signatur%65=abc&Security%54oken=t"),
              "Signatur%65=REDACTED&Security%54oken=REDACTED");
}

TEST(Redaction, OssPresignedParametersAreHiddenToo) {
    EXPECT_EQ(redact_request_text("https://b.oss-cn-hangzhou.aliyuncs.com/sdk.zip?Expires=1"
                                  "&OSSAccessKeyId=" + key_id + "&Signature=abc"
                                  "&security-token=tok"),
              "https://b.oss-cn-hangzhou.aliyuncs.com/sdk.zip?Expires=1&OSSAccessKeyId=" +
                  hidden_key_id + "&Signature=REDACTED&security-token=REDACTED");
}

TEST(Redaction, TextWithoutSecretsIsUnchanged) {
    for (const std::string text :
         {"https://cloudauth.aliyuncs.com", "https://cloudauth.aliyuncs.com/",
          "https://cloudauth.aliyuncs.com/?Action=DescribeVerifySDK&TaskId=t-1",
          "TaskId=t-1", "", "flag&x=1&&y=", "NotASignature=abc&SignatureMethod=HMAC-SHA1"})
        EXPECT_EQ(redact_request_text(text), text) << text;
}

TEST(Redaction, SignedRequestFromTheSignerIsSafeToLog) {
    const auto endpoint = net::parse_endpoint("https://cloudauth.aliyuncs.com");
    const RpcCall call{"CreateVerifySDK", "2019-03-07", "JSON",
                       {{"AppUrl", "https://apps.example.com/a.apk"}, {"Platform", "ANDROID"}},
                       "POST", true};
    const auth::Credentials credentials{key_id, "the-secret", token, "test"};
    const auto request =
        sign_rpc_call(endpoint, call, credentials, "2026-01-01T00:00:00Z", "nonce-7");

    const std::string url = redact_request_text(request.url);
    const auto signature_start = request.url.find("Signature=") + 10;
    const std::string sent_signature = request.url.substr(signature_start);
    ASSERT_FALSE(sent_signature.empty());
    EXPECT_THAT(url, Not(HasSubstr(sent_signature)));
    EXPECT_THAT(url, Not(HasSubstr(token)));
    EXPECT_THAT(url, HasSubstr("AccessKeyId=" + hidden_key_id));
    EXPECT_THAT(url, HasSubstr("SignatureNonce=nonce-7"));
    EXPECT_THAT(url, HasSubstr("Action=CreateVerifySDK"));
    EXPECT_EQ(redact_request_text(request.body), request.body) << "the body holds no secret";
}

TEST(Redaction, PresignedAddressInsideAParameterIsRedactedToo) {
    const std::string app_url =
        "https://b.oss-cn-hangzhou.aliyuncs.com/a.apk?OSSAccessKeyId=" + key_id +
        "&Expires=1700000000&Signature=k8Jx%2Bq%2F0abc%3D" + "&security-token=" + token;
    const std::string sent = "Action=CreateVerifySDK&AppUrl=" + percent_encode(app_url) + "&X=1";
    const std::string redacted = redact_request_text(sent);
    EXPECT_THAT(redacted, Not(HasSubstr("k8Jx")));
    EXPECT_THAT(redacted, Not(HasSubstr(token)));
    EXPECT_THAT(redacted, Not(HasSubstr(key_id)));
    EXPECT_THAT(redacted, HasSubstr("Signature%3DREDACTED"));
    EXPECT_THAT(redacted, HasSubstr("security-token%3DREDACTED"));
    EXPECT_THAT(redacted, HasSubstr("Expires%3D1700000000"));
    EXPECT_THAT(redacted, HasSubstr("&X=1"));
}
