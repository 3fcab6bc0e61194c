#include "auth/credentials_chain.hpp"

#include "auth/credential_sources.hpp"
#include "error.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace verifysdk::auth {

namespace {

namespace fs = std::filesystem;

struct CredentialsFile {
    fs::path path;
    std::string text;
};

// Reads a credentials file if it exists; warns when others can read it.
std::optional<CredentialsFile> read_credentials_file(const fs::path& path, const Warn& warn) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return std::nullopt;
    if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        warn(path.string() + " is readable by group or others; run: chmod 600 " + path.string());
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(ExitCode::Credentials, "cannot read " + path.string(),
                    {.hint = "check the file's permissions"});
    std::ostringstream text;
    text << in.rdbuf();
    return CredentialsFile{path, text.str()};
}

// Empty when there is no HOME: never fall back to the working directory,
// which during a build may be a checkout anyone can put files in.
fs::path file_location(const EnvLookup& env, const char* override_name, const char* home_relative) {
    if (auto overridden = env(override_name))
        return *overridden;
    const auto home = env("HOME");
    return home ? fs::path(*home) / home_relative : fs::path();
}

} // namespace

Credentials resolve_credentials(const CredentialsRequest& request, const EnvLookup& env,
                                const Warn& warn) {
    std::vector<std::string> looked;

    if (auto found = credentials_from_environment(env))
        return *found;
    looked.push_back("environment variables ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET "
                     "(and ALICLOUD_ACCESS_KEY_ID/SECRET)");

    const std::string profile =
        !request.profile.empty() ? request.profile : env("ALIBABA_CLOUD_PROFILE").value_or("");
    const std::string profile_note = profile.empty() ? "" : " (profile " + profile + ")";

    const fs::path cli_config =
        file_location(env, "ALIBABA_CLOUD_CONFIG_FILE", ".aliyun/config.json");
    if (!cli_config.empty()) {
        if (auto file = read_credentials_file(cli_config, warn))
            if (auto found = credentials_from_cli_config(file->text, profile, cli_config.string()))
                return *found;
        looked.push_back(cli_config.string() + profile_note);
    }

    const fs::path ini = file_location(env, "ALIBABA_CLOUD_CREDENTIALS_FILE",
                                       ".alibabacloud/credentials");
    if (!ini.empty()) {
        if (auto file = read_credentials_file(ini, warn))
            if (auto found = credentials_from_ini(file->text, profile, ini.string()))
                return *found;
        looked.push_back(ini.string() + profile_note);
    }
    if (cli_config.empty() || ini.empty())
        looked.push_back("no credentials files (HOME is not set)");

    std::string message = "no credentials found; looked in: ";
    for (std::size_t i = 0; i < looked.size(); ++i)
        message += (i ? "; " : "") + looked[i];
    throw Error(ExitCode::Credentials, message,
                {.hint = "export ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, "
                         "or run `aliyun configure`"});
}

} // namespace verifysdk::auth
