#include "sdk/task_state.hpp"

#include "error.hpp"
#include "sdk_test_support.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace verifysdk::sdk {
namespace {

using namespace std::chrono_literals;
using test::TempDir;
namespace fs = std::filesystem;

TaskState sample() {
    TaskState s;
    s.task_id = "task-123";
    s.app_url = "https://example.com/app.apk";
    s.app_sha256 = std::string(64, 'a');
    s.platform = "android";
    s.api_version = "2019-03-07";
    s.endpoint_host = "cloudauth.aliyuncs.com";
    s.options_digest = "opts";
    s.submitted_at = 1'700'000'000;
    return s;
}

std::chrono::system_clock::time_point at(std::int64_t seconds) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

struct Warnings {
    std::vector<std::string> seen;
    std::function<void(std::string)> sink() {
        return [this](std::string w) { seen.push_back(std::move(w)); };
    }
};

TEST(TaskState, RoundTripsThroughAPrivateFile) {
    TempDir tmp;
    const auto file = tmp / "state.json";
    write_task_state(file, sample());
    EXPECT_EQ(test::mode_of(file), 0600u);
    Warnings w;
    const auto read = read_task_state(file, w.sink());
    ASSERT_TRUE(read);
    EXPECT_EQ(read->task_id, "task-123");
    EXPECT_EQ(read->app_url, "https://example.com/app.apk");
    EXPECT_EQ(read->options_digest, "opts");
    EXPECT_EQ(read->submitted_at, 1'700'000'000);
    EXPECT_TRUE(w.seen.empty());
}

TEST(TaskState, MissingFileIsSilentlyNothing) {
    TempDir tmp;
    Warnings w;
    EXPECT_FALSE(read_task_state(tmp / "state.json", w.sink()));
    EXPECT_TRUE(w.seen.empty());
}

TEST(TaskState, UnusableFilesAreIgnoredWithAWarning) {
    TempDir tmp;
    const auto file = tmp / "state.json";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"{not json", "not valid JSON"},
        {"[1,2]", "not a JSON object"},
        {R"({"format_version": 2, "task_id": "t"})", "format_version 2 is not supported"},
        {R"({"format_version": 1, "app_url": "u"})", "\"task_id\" is missing"},
        {R"({"format_version": 1, "task_id": 5})", "\"task_id\" is not a string"},
    };
    for (const auto& [text, why] : cases) {
        test::write_file(file, text);
        Warnings w;
        EXPECT_FALSE(read_task_state(file, w.sink())) << text;
        ASSERT_EQ(w.seen.size(), 1u) << text;
        EXPECT_NE(w.seen[0].find("ignoring " + file.string() + ": "), std::string::npos);
        EXPECT_NE(w.seen[0].find(why), std::string::npos) << w.seen[0];
        EXPECT_NE(w.seen[0].find("a new generation will be submitted"), std::string::npos);
    }
}

TEST(TaskState, MissingSubmittedAtIsUnusable) {
    TempDir tmp;
    {
        test::write_file(
            tmp / "s", R"({"format_version":1,"task_id":"t","app_url":"","app_sha256":"",)"
                       R"("platform":"","api_version":"","endpoint_host":"","options_digest":""})");
    }
    Warnings w;
    EXPECT_FALSE(read_task_state(tmp / "s", w.sink()));
    ASSERT_EQ(w.seen.size(), 1u);
    EXPECT_NE(w.seen[0].find("submitted_at"), std::string::npos);
}

TEST(TaskState, RemoveIsIdempotent) {
    TempDir tmp;
    const auto file = tmp / "state.json";
    write_task_state(file, sample());
    remove_task_state(file);
    EXPECT_FALSE(fs::exists(file));
    remove_task_state(file);
}

TEST(TaskState, ResumableOnlyForTheSameRequestAndYoungerThanADay) {
    const TaskState saved = sample();
    const std::int64_t t0 = saved.submitted_at;
    EXPECT_TRUE(is_resumable(saved, sample(), at(t0)));
    EXPECT_TRUE(is_resumable(saved, sample(), at(t0 + 24 * 3600 - 1)));
    EXPECT_FALSE(is_resumable(saved, sample(), at(t0 + 24 * 3600)));
    EXPECT_FALSE(is_resumable(saved, sample(), at(t0 - 3600))); // from the future

    const auto differs = [&](auto change) {
        TaskState wanted = sample();
        change(wanted);
        return !is_resumable(saved, wanted, at(t0 + 60));
    };
    EXPECT_TRUE(differs([](TaskState& s) { s.app_url += "x"; }));
    EXPECT_TRUE(differs([](TaskState& s) { s.app_sha256 = std::string(64, 'b'); }));
    EXPECT_TRUE(differs([](TaskState& s) { s.platform = "ios"; }));
    EXPECT_TRUE(differs([](TaskState& s) { s.api_version = "2018-09-16"; }));
    EXPECT_TRUE(differs([](TaskState& s) { s.endpoint_host = "localhost"; }));
    EXPECT_TRUE(differs([](TaskState& s) { s.options_digest = "other"; }));
    EXPECT_FALSE(differs([](TaskState& s) { s.task_id = "another"; })); // not compared
}

TEST(TaskState, AbsurdTimestampsAreNotResumable) {
    TaskState saved = sample();
    saved.submitted_at = std::numeric_limits<std::int64_t>::max();
    EXPECT_FALSE(is_resumable(saved, sample(), at(1'700'000'000)));
    saved.submitted_at = std::numeric_limits<std::int64_t>::min();
    EXPECT_FALSE(is_resumable(saved, sample(), at(1'700'000'000)));
}

} // namespace
} // namespace verifysdk::sdk
