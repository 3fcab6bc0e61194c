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

} // namespace
} // namespace verifysdk::sdk
