#include "sdk/url_redaction.hpp"

#include <gtest/gtest.h>

namespace verifysdk::sdk {
namespace {

TEST(UrlRedaction, StripQueryDropsQueryAndFragment) {
    EXPECT_EQ(strip_query("https://h/app.apk?Expires=1&Signature=x"), "https://h/app.apk");
    EXPECT_EQ(strip_query("https://h/app.apk#frag"), "https://h/app.apk");
    EXPECT_EQ(strip_query("https://h/app.apk#a?b"), "https://h/app.apk");
    EXPECT_EQ(strip_query("https://h/app.apk"), "https://h/app.apk");
    EXPECT_EQ(strip_query(""), "");
}

TEST(UrlRedaction, RedactUrlAlsoDropsUserinfo) {
    EXPECT_EQ(redact_url("https://user:secret@h.example/a.apk?t=1"), "https://h.example/a.apk");
    EXPECT_EQ(redact_url("https://h.example/p@x/a.apk"), "https://h.example/p@x/a.apk");
    EXPECT_EQ(redact_url("https://u@h"), "https://h");
    EXPECT_EQ(redact_url("not a url"), "not a url");
}

TEST(UrlRedaction, ScrubSecretsReplacesPlainAndEncodedForms) {
    const std::string sig = "a+b/c=";
    const std::string text = "raw a+b/c= once a%2Bb%2Fc%3D twice a%252Bb%252Fc%253D "
                             "thrice a%25252Bb%25252Fc%25253D";
    EXPECT_EQ(scrub_secrets(text, {sig}),
              "raw REDACTED once REDACTED twice REDACTED thrice REDACTED");
    EXPECT_EQ(scrub_secrets("x a+b/c= a+b/c=", {sig, ""}), "x REDACTED REDACTED");
    EXPECT_EQ(scrub_secrets("nothing here", {sig}), "nothing here");
    EXPECT_EQ(scrub_secrets("abc", {}), "abc");
}

} // namespace
} // namespace verifysdk::sdk
