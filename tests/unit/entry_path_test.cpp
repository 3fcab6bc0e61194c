#include "sdk/entry_path.hpp"

#include "error.hpp"
#include "sdk_test_support.hpp"

#include <gtest/gtest.h>

namespace verifysdk::sdk {
namespace {

std::string refusal(std::string_view raw) {
    const auto caught = test::catch_error([&] { normalise_entry_path(raw); });
    EXPECT_EQ(caught.code, ExitCode::Verification) << raw;
    return caught.message;
}

std::string link_refusal(std::string_view link, std::string_view target) {
    const auto caught = test::catch_error([&] { check_symlink_target(link, target); });
    EXPECT_EQ(caught.code, ExitCode::Verification) << link << " -> " << target;
    return caught.message;
}

TEST(EntryPath, NormalisesHarmlessSpellings) {
    EXPECT_EQ(normalise_entry_path("a/b/c.so"), "a/b/c.so");
    EXPECT_EQ(normalise_entry_path("./a//b/./c/"), "a/b/c");
    EXPECT_EQ(normalise_entry_path("caf\xc3\xa9.txt"), "caf\xc3\xa9.txt");
    EXPECT_EQ(normalise_entry_path("./", /*allow_root=*/true), "");
}

TEST(EntryPath, RefusesUnsafeNames) {
    EXPECT_NE(refusal("/etc/passwd").find("absolute path"), std::string::npos);
    EXPECT_NE(refusal("../evil").find("\"..\" component"), std::string::npos);
    EXPECT_NE(refusal("a/../../evil").find("\"..\" component"), std::string::npos);
    EXPECT_NE(refusal("a/..").find("\"..\" component"), std::string::npos);
    EXPECT_NE(refusal("").find("empty name"), std::string::npos);
    EXPECT_NE(refusal("./.").find("empty name"), std::string::npos);
    EXPECT_NE(refusal("//").find("absolute path"), std::string::npos);
    EXPECT_NE(refusal("bad\nname").find("control character"), std::string::npos);
    EXPECT_NE(refusal("bad\x7fname").find("control character"), std::string::npos);
    EXPECT_NE(refusal("bad\xff.so").find("not valid UTF-8"), std::string::npos);
}

TEST(EntryPath, MessagesShowNamesEscaped) {
    const std::string message = refusal("x\x1b[31m");
    EXPECT_NE(message.find("x\\x1b[31m"), std::string::npos) << message;
    EXPECT_EQ(message.find('\x1b'), std::string::npos);
}

TEST(EntryPath, PrintableNames) {
    EXPECT_EQ(printable_name("lib/caf\xc3\xa9.so"), "lib/caf\xc3\xa9.so"); // UTF-8 as is
    EXPECT_EQ(printable_name("a\xc2\x9b"
                             "31m"),
              "a\\xc2\\x9b31m");                                        // C1 control (CSI)
    EXPECT_EQ(printable_name("bad\xff"), "bad\\xff");                   // not UTF-8
    EXPECT_EQ(printable_name("caf\xc3\xa9\xff"), "caf\\xc3\\xa9\\xff"); // not UTF-8 at all
    EXPECT_EQ(printable_name("back\\slash\t"), "back\\x5cslash\\x09");
}

TEST(EntryPath, Utf8Validation) {
    EXPECT_TRUE(is_valid_utf8("plain"));
    EXPECT_TRUE(is_valid_utf8("\xe4\xb8\xad\xe6\x96\x87")); // 中文
    EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));         // U+1F600
    EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));                // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));            // surrogate
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));        // > U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\xe4\xb8"));                // truncated
    EXPECT_FALSE(is_valid_utf8("\x80"));                    // stray continuation
}

TEST(EntryPath, SymlinkTargetsThatStayInside) {
    check_symlink_target("Foo.framework/Headers", "Versions/Current/Headers");
    check_symlink_target("Foo.framework/Versions/Current", "A");
    check_symlink_target("lib/arm64/libx.so", "../../shared/libx.so");
    check_symlink_target("a/link", "..");
    check_symlink_target("link", "./same/./dir");
}

TEST(EntryPath, SymlinkTargetsThatEscapeOrCheat) {
    EXPECT_NE(link_refusal("l", "/etc/passwd").find("absolute path"), std::string::npos);
    EXPECT_NE(link_refusal("l", "../outside").find("outside the SDK folder"), std::string::npos);
    EXPECT_NE(link_refusal("a/b/l", "../../../x").find("outside"), std::string::npos);
    EXPECT_NE(link_refusal("l", "a/../..").find("after a folder name"), std::string::npos);
    EXPECT_NE(link_refusal("l", "sub/../x").find("after a folder name"), std::string::npos);
    EXPECT_NE(link_refusal("l", "").find("empty target"), std::string::npos);
    EXPECT_NE(link_refusal("l", "x\ny").find("control character"), std::string::npos);
}

} // namespace
} // namespace verifysdk::sdk
