// The credentials sources (environment, aliyun CLI config.json, INI file) and
// the chain that tries them in order. The environment is always injected, so
// these tests never read the real one or the real home folder.
#include "auth/credential_sources.hpp"
#include "auth/credentials_chain.hpp"
#include "sdk_test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

using namespace verifysdk;
using namespace verifysdk::auth;
using ::testing::HasSubstr;
using ::testing::Not;
using test::TempDir;

namespace {

using Vars = std::map<std::string, std::string>;

EnvLookup env_of(Vars vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end())
            return std::nullopt;
        return it->second;
    };
}

struct Failure {
    bool thrown = false;
    ExitCode code = ExitCode::Ok;
    std::string message;
    std::string hint;
};

template <class F> Failure failure_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return {true, e.code(), e.what(), e.details().hint};
    }
    return {};
}

void expect_key(const std::optional<Credentials>& found, const std::string& id,
                const std::string& secret, const std::string& token = "") {
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->access_key_id, id);
    EXPECT_EQ(found->access_key_secret, secret);
    EXPECT_EQ(found->security_token, token);
}

// A config.json with one AK profile per name, `current` as given.
std::string cli_config(const std::string& current, const std::vector<std::string>& names) {
    std::string profiles;
    for (const auto& name : names)
        profiles += std::string(profiles.empty() ? "" : ",") + R"({"name": ")" + name +
                    R"(", "mode": "AK", "access_key_id": "id-)" + name +
                    R"(", "access_key_secret": "secret-)" + name +
                    R"(", "region_id": "cn-hangzhou"})";
    return R"({"current": ")" + current + R"(", "profiles": [)" + profiles + "]}";
}

std::optional<Credentials> from_cli(const std::string& text, const std::string& profile = "") {
    return credentials_from_cli_config(text, profile, "config.json");
}

std::optional<Credentials> from_ini(const std::string& text, const std::string& profile = "") {
    return credentials_from_ini(text, profile, "credentials");
}

} // namespace

// ---- environment -------------------------------------------------------------

TEST(CredentialsFromEnvironment, NothingSetMeansNoCredentials) {
    EXPECT_FALSE(credentials_from_environment(env_of({})));
}

TEST(CredentialsFromEnvironment, AlibabaCloudSpelling) {
    const auto found = credentials_from_environment(env_of(
        {{"ALIBABA_CLOUD_ACCESS_KEY_ID", "id-a"}, {"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "sec-a"}}));
    expect_key(found, "id-a", "sec-a");
    EXPECT_THAT(found->source, HasSubstr("ALIBABA_CLOUD_ACCESS_KEY_ID"));
}

TEST(CredentialsFromEnvironment, AliCloudSpelling) {
    const auto found = credentials_from_environment(
        env_of({{"ALICLOUD_ACCESS_KEY_ID", "id-b"}, {"ALICLOUD_ACCESS_KEY_SECRET", "sec-b"},
                {"ALICLOUD_SECURITY_TOKEN", "tok-b"}}));
    expect_key(found, "id-b", "sec-b", "tok-b");
    EXPECT_THAT(found->source, HasSubstr("ALICLOUD_ACCESS_KEY_ID"));
}

TEST(CredentialsFromEnvironment, AlibabaCloudSpellingWins) {
    const auto found = credentials_from_environment(
        env_of({{"ALICLOUD_ACCESS_KEY_ID", "id-b"}, {"ALICLOUD_ACCESS_KEY_SECRET", "sec-b"},
                {"ALIBABA_CLOUD_ACCESS_KEY_ID", "id-a"},
                {"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "sec-a"}}));
    expect_key(found, "id-a", "sec-a");
}

TEST(CredentialsFromEnvironment, StsTokenIsPickedUp) {
    expect_key(credentials_from_environment(
                   env_of({{"ALIBABA_CLOUD_ACCESS_KEY_ID", "id"},
                           {"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "sec"},
                           {"ALIBABA_CLOUD_SECURITY_TOKEN", "tok"}})),
               "id", "sec", "tok");
}

TEST(CredentialsFromEnvironment, HalfFilledPairNamesTheMissingVariable) {
    const struct {
        Vars vars;
        const char* missing;
    } cases[] = {
        {{{"ALIBABA_CLOUD_ACCESS_KEY_ID", "id"}}, "ALIBABA_CLOUD_ACCESS_KEY_SECRET"},
        {{{"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "S3cretValue"}}, "ALIBABA_CLOUD_ACCESS_KEY_ID"},
        {{{"ALICLOUD_ACCESS_KEY_ID", "id"}}, "ALICLOUD_ACCESS_KEY_SECRET"},
        {{{"ALICLOUD_ACCESS_KEY_SECRET", "S3cretValue"}}, "ALICLOUD_ACCESS_KEY_ID"},
    };
    for (const auto& c : cases) {
        const Failure f = failure_of([&] { credentials_from_environment(env_of(c.vars)); });
        EXPECT_EQ(f.code, ExitCode::Credentials) << c.missing;
        EXPECT_THAT(f.message, HasSubstr(std::string(c.missing) + " is not"));
        EXPECT_THAT(f.message, Not(HasSubstr("S3cretValue"))) << "never echo a secret";
    }
}

// ---- aliyun CLI config.json ---------------------------------------------------

TEST(CredentialsFromCliConfig, CurrentProfileIsUsedByDefault) {
    const auto found = from_cli(cli_config("work", {"default", "work"}));
    expect_key(found, "id-work", "secret-work");
    EXPECT_THAT(found->source, HasSubstr("config.json"));
    EXPECT_THAT(found->source, HasSubstr("work"));
}

TEST(CredentialsFromCliConfig, WithoutCurrentTheDefaultProfileIsUsed) {
    expect_key(from_cli(R"({"profiles": [{"name": "default", "mode": "AK",
        "access_key_id": "i", "access_key_secret": "s"}]})"),
               "i", "s");
}

TEST(CredentialsFromCliConfig, ExplicitProfileOverridesCurrent) {
    expect_key(from_cli(cli_config("work", {"default", "work"}), "default"), "id-default",
               "secret-default");
}

TEST(CredentialsFromCliConfig, MissingProfileMeansNotHere) {
    EXPECT_FALSE(from_cli(cli_config("default", {"default"}), "other"));
    EXPECT_FALSE(from_cli(cli_config("gone", {"default"})));
    EXPECT_FALSE(from_cli(R"({"profiles": []})"));
}

TEST(CredentialsFromCliConfig, StsTokenProfile) {
    expect_key(from_cli(R"({"current": "sts", "profiles": [{"name": "sts", "mode": "StsToken",
        "access_key_id": "STS.id", "access_key_secret": "s", "sts_token": "tok"}]})"),
               "STS.id", "s", "tok");
}

TEST(CredentialsFromCliConfig, AkProfileIgnoresAStrayStsToken) {
    expect_key(from_cli(R"({"profiles": [{"name": "default", "mode": "AK",
        "access_key_id": "i", "access_key_secret": "s", "sts_token": "old"}]})"),
               "i", "s", "");
}

TEST(CredentialsFromCliConfig, UnsupportedModeIsAnError) {
    for (const char* mode : {"RamRoleArn", "EcsRamRole", "ChainableRamRoleArn"}) {
        const Failure f = failure_of([&] {
            from_cli(std::string(R"({"profiles": [{"name": "default", "mode": ")") + mode +
                     R"(", "access_key_id": "i", "access_key_secret": "s"}]})");
        });
        EXPECT_EQ(f.code, ExitCode::Credentials) << mode;
        EXPECT_THAT(f.message, HasSubstr(mode));
        EXPECT_THAT(f.message, HasSubstr("not supported yet"));
    }
}

TEST(CredentialsFromCliConfig, MalformedFileIsAnError) {
    for (const char* text : {"", "{", "not json", "[1, 2]", R"({"current": "default"})",
                             R"({"profiles": {"name": "default"}})"}) {
        const Failure f = failure_of([&] { from_cli(text); });
        EXPECT_EQ(f.code, ExitCode::Credentials) << text;
        EXPECT_THAT(f.message, HasSubstr("config.json")) << text;
        EXPECT_FALSE(f.hint.empty());
    }
}

TEST(CredentialsFromCliConfig, MissingKeysAreAnError) {
    const char* incomplete[] = {
        R"({"profiles": [{"name": "default", "mode": "AK", "access_key_id": "i"}]})",
        R"({"profiles": [{"name": "default", "mode": "AK", "access_key_secret": "s"}]})",
        R"({"profiles": [{"name": "default", "mode": "AK", "access_key_id": "",
            "access_key_secret": "s"}]})",
        R"({"profiles": [{"name": "default", "mode": "AK", "access_key_id": 42,
            "access_key_secret": "s"}]})",
        R"({"profiles": [{"name": "default", "mode": "StsToken", "access_key_id": "i",
            "access_key_secret": "s"}]})",
    };
    for (const char* text : incomplete) {
        const Failure f = failure_of([&] { from_cli(text); });
        EXPECT_EQ(f.code, ExitCode::Credentials) << text;
        EXPECT_THAT(f.message, HasSubstr("profile default")) << text;
        EXPECT_THAT(f.message, HasSubstr("missing")) << text;
    }
}

// ---- INI credentials file ---------------------------------------------------------

TEST(CredentialsFromIni, DefaultSection) {
    const auto found = from_ini("[default]\ntype = access_key\naccess_key_id = i\n"
                                "access_key_secret = s\n");
    expect_key(found, "i", "s");
    EXPECT_THAT(found->source, HasSubstr("credentials profile default"));
}

TEST(CredentialsFromIni, NamedProfileAndNoLeakBetweenSections) {
    const std::string text = "[default]\naccess_key_id = id-d\naccess_key_secret = s-d\n"
                             "[ci]\naccess_key_id = id-ci\naccess_key_secret = s-ci\n";
    expect_key(from_ini(text, "ci"), "id-ci", "s-ci");
    expect_key(from_ini(text), "id-d", "s-d");
    EXPECT_FALSE(from_ini(text, "other"));
    EXPECT_FALSE(from_ini("[ci]\naccess_key_id = i\naccess_key_secret = s\n"));
}

TEST(CredentialsFromIni, CommentsBlankLinesAndSpacingAreTolerated) {
    expect_key(from_ini("# generated\n; another comment\n\n  [ default ]  \r\n"
                        "  access_key_id=i  \r\n\taccess_key_secret =  s \r\n# end\n"),
               "i", "s");
}

TEST(CredentialsFromIni, ValuesMayContainEqualsSigns) {
    expect_key(from_ini("[default]\naccess_key_id = i\naccess_key_secret = a=b=\n"), "i",
               "a=b=");
}

TEST(CredentialsFromIni, MissingKeysAreAnError) {
    for (const char* text : {"[default]\naccess_key_id = i\n", "[default]\naccess_key_secret = s\n",
                             "[default]\naccess_key_id =\naccess_key_secret = s\n", "[default]\n"}) {
        const Failure f = failure_of([&] { from_ini(text); });
        EXPECT_EQ(f.code, ExitCode::Credentials) << text;
        EXPECT_THAT(f.message, HasSubstr("missing")) << text;
    }
}

TEST(CredentialsFromIni, OtherTypesAreNotSupportedYet) {
    const Failure f = failure_of([] {
        from_ini("[default]\ntype = ecs_ram_role\nrole_name = r\n");
    });
    EXPECT_EQ(f.code, ExitCode::Credentials);
    EXPECT_THAT(f.message, HasSubstr("ecs_ram_role"));
    EXPECT_THAT(f.message, HasSubstr("not supported yet"));
}

TEST(CredentialsFromIni, MalformedLinesAreErrorsWithTheLineNumber) {
    const Failure no_equals =
        failure_of([] { from_ini("[default]\naccess_key_id = i\nthis is not a pair\n"); });
    EXPECT_EQ(no_equals.code, ExitCode::Credentials);
    EXPECT_THAT(no_equals.message, HasSubstr("line 3"));

    const Failure bad_header = failure_of([] { from_ini("[default\naccess_key_id = i\n"); });
    EXPECT_EQ(bad_header.code, ExitCode::Credentials);
    EXPECT_THAT(bad_header.message, HasSubstr("line 1"));
}

// ---- the chain ----------------------------------------------------------------------

namespace {

class CredentialsChain : public ::testing::Test {
protected:
    // Writes a file under the temporary home with the given mode.
    std::filesystem::path put(const std::string& relative, const std::string& text,
                              mode_t mode = 0600) {
        const auto path = home / relative;
        test::write_file(path, text);
        ::chmod(path.c_str(), mode);
        return path;
    }
    std::filesystem::path put_config(const std::string& text, mode_t mode = 0600) {
        return put(".aliyun/config.json", text, mode);
    }
    std::filesystem::path put_ini(const std::string& text, mode_t mode = 0600) {
        return put(".alibabacloud/credentials", text, mode);
    }

    Credentials resolve(const std::string& profile = "") {
        return resolve_credentials({profile}, env_of(vars),
                                   [this](const std::string& w) { warnings.push_back(w); });
    }
    Failure resolve_failure(const std::string& profile = "") {
        return failure_of([&] { resolve(profile); });
    }

    TempDir dir;
    std::filesystem::path home = dir / "home";
    Vars vars{{"HOME", home.string()}};
    std::vector<std::string> warnings;
};

const std::string ini_default =
    "[default]\naccess_key_id = id-ini\naccess_key_secret = secret-ini\n"
    "[ci]\naccess_key_id = id-ini-ci\naccess_key_secret = secret-ini-ci\n";

} // namespace

TEST_F(CredentialsChain, EnvironmentComesFirst) {
    put_config(cli_config("default", {"default"}));
    put_ini(ini_default);
    vars["ALIBABA_CLOUD_ACCESS_KEY_ID"] = "id-env";
    vars["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = "secret-env";
    EXPECT_EQ(resolve().access_key_id, "id-env");
}

TEST_F(CredentialsChain, ConfigJsonComesBeforeTheIniFile) {
    put_config(cli_config("default", {"default"}));
    put_ini(ini_default);
    const auto found = resolve();
    EXPECT_EQ(found.access_key_id, "id-default");
    EXPECT_THAT(found.source, HasSubstr((home / ".aliyun/config.json").string()));
}

TEST_F(CredentialsChain, IniFileWhenThereIsNoConfigJson) {
    put_ini(ini_default);
    const auto found = resolve();
    EXPECT_EQ(found.access_key_id, "id-ini");
    EXPECT_THAT(found.source, HasSubstr((home / ".alibabacloud/credentials").string()));
}

TEST_F(CredentialsChain, IniFileWhenConfigJsonLacksTheProfile) {
    put_config(cli_config("default", {"default"}));
    put_ini(ini_default);
    EXPECT_EQ(resolve("ci").access_key_id, "id-ini-ci");
}

TEST_F(CredentialsChain, ProfileFromTheEnvironmentAppliesToBothFiles) {
    put_config(cli_config("default", {"default", "work"}));
    put_ini(ini_default);
    vars["ALIBABA_CLOUD_PROFILE"] = "work";
    EXPECT_EQ(resolve().access_key_id, "id-work");
    vars["ALIBABA_CLOUD_PROFILE"] = "ci";
    EXPECT_EQ(resolve().access_key_id, "id-ini-ci");
}

TEST_F(CredentialsChain, ProfileOptionOverridesTheEnvironment) {
    put_config(cli_config("default", {"default", "work"}));
    vars["ALIBABA_CLOUD_PROFILE"] = "work";
    EXPECT_EQ(resolve("default").access_key_id, "id-default");
}

TEST_F(CredentialsChain, FileLocationsCanBeOverridden) {
    const auto config = put("elsewhere/cli.json", cli_config("default", {"default"}));
    vars["ALIBABA_CLOUD_CONFIG_FILE"] = config.string();
    EXPECT_EQ(resolve().access_key_id, "id-default");

    vars.erase("ALIBABA_CLOUD_CONFIG_FILE");
    const auto ini = put("elsewhere/creds.ini", ini_default);
    vars["ALIBABA_CLOUD_CREDENTIALS_FILE"] = ini.string();
    put_ini("[default]\naccess_key_id = id-ignored\naccess_key_secret = s\n");
    EXPECT_EQ(resolve().access_key_id, "id-ini");
}

TEST_F(CredentialsChain, NothingFoundListsEveryPlaceItLooked) {
    vars["ALIBABA_CLOUD_CONFIG_FILE"] = (dir / "nowhere/config.json").string();
    const Failure f = resolve_failure();
    EXPECT_EQ(f.code, ExitCode::Credentials);
    EXPECT_THAT(f.message, HasSubstr("ALIBABA_CLOUD_ACCESS_KEY_ID"));
    EXPECT_THAT(f.message, HasSubstr("ALICLOUD_ACCESS_KEY_ID"));
    EXPECT_THAT(f.message, HasSubstr((dir / "nowhere/config.json").string()));
    EXPECT_THAT(f.message, HasSubstr((home / ".alibabacloud/credentials").string()));
    EXPECT_THAT(f.hint, HasSubstr("ALIBABA_CLOUD_ACCESS_KEY_ID"));
}

TEST_F(CredentialsChain, NothingFoundNamesTheProfileItWanted) {
    put_config(cli_config("default", {"default"}));
    put_ini(ini_default);
    const Failure f = resolve_failure("missing");
    EXPECT_EQ(f.code, ExitCode::Credentials);
    EXPECT_THAT(f.message, HasSubstr("(profile missing)"));
    EXPECT_THAT(f.message, HasSubstr((home / ".aliyun/config.json").string()));
    EXPECT_THAT(f.message, HasSubstr((home / ".alibabacloud/credentials").string()));
}

TEST_F(CredentialsChain, BrokenConfigJsonStopsTheChain) {
    put_config("{ not json");
    put_ini(ini_default);
    const Failure f = resolve_failure();
    EXPECT_EQ(f.code, ExitCode::Credentials);
    EXPECT_THAT(f.message, HasSubstr("not valid JSON"));
}

TEST_F(CredentialsChain, WithoutHomeNothingIsReadFromTheWorkingDirectory) {
    // With HOME unset, "~/.aliyun/config.json" must not become the relative path
    // ".aliyun/config.json": a checked-out project could then supply the credentials.
    put_config(cli_config("default", {"default"}));
    put_ini(ini_default);
    vars.erase("HOME");
    struct WorkingDirectory {
        std::filesystem::path previous = std::filesystem::current_path();
        ~WorkingDirectory() { std::filesystem::current_path(previous); }
    } restore;
    std::filesystem::current_path(home);
    const Failure f = resolve_failure();
    EXPECT_EQ(f.code, ExitCode::Credentials);
    EXPECT_THAT(f.message, HasSubstr("no credentials found"));
}

TEST_F(CredentialsChain, FileReadableByOthersTriggersAWarning) {
    const auto config = put_config(cli_config("default", {"default"}), 0644);
    EXPECT_EQ(resolve().access_key_id, "id-default");
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_THAT(warnings[0], HasSubstr("chmod 600"));
    EXPECT_THAT(warnings[0], HasSubstr(config.string()));
}

TEST_F(CredentialsChain, GroupReadableIniFileTriggersAWarningToo) {
    put_ini(ini_default, 0640);
    resolve();
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_THAT(warnings[0], HasSubstr("chmod 600"));
}

TEST_F(CredentialsChain, PrivateFilesDoNotWarn) {
    put_config(cli_config("default", {"default"}), 0600);
    put_ini(ini_default, 0600);
    resolve("ci");
    EXPECT_TRUE(warnings.empty());
}
