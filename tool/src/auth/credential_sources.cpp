#include "auth/credential_sources.hpp"

#include "error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <sstream>

namespace verifysdk::auth {

namespace {

Error credentials_error(const std::string& message, const std::string& hint) {
    return Error(ExitCode::Credentials, message, {.hint = hint});
}

std::optional<Credentials> from_env_pair(const EnvLookup& env, const std::string& id_name,
                                         const std::string& secret_name,
                                         const std::string& token_name) {
    auto id = env(id_name);
    auto secret = env(secret_name);
    if (!id && !secret)
        return std::nullopt;
    if (!id || !secret)
        throw credentials_error((id ? id_name : secret_name) + " is set but " +
                                    (id ? secret_name : id_name) + " is not",
                                "set both variables, or unset both to use a credentials file");
    return Credentials{*id, *secret, env(token_name).value_or(""), "environment (" + id_name + ")"};
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

std::string string_field(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || !it->is_string())
        return {};
    return it->get<std::string>();
}

} // namespace

std::optional<Credentials> credentials_from_environment(const EnvLookup& env) {
    if (auto found = from_env_pair(env, "ALIBABA_CLOUD_ACCESS_KEY_ID",
                                   "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                                   "ALIBABA_CLOUD_SECURITY_TOKEN"))
        return found;
    return from_env_pair(env, "ALICLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY_SECRET",
                         "ALICLOUD_SECURITY_TOKEN");
}

std::optional<Credentials> credentials_from_cli_config(const std::string& text,
                                                       const std::string& profile,
                                                       const std::string& origin) {
    const auto config = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (config.is_discarded() || !config.is_object())
        throw credentials_error(origin + " is not valid JSON",
                                "fix the file (aliyun configure rewrites it) or remove it");
    const std::string wanted = profile.empty() ? string_field(config, "current") : profile;
    const std::string name = wanted.empty() ? "default" : wanted;

    auto profiles = config.find("profiles");
    if (profiles == config.end() || !profiles->is_array())
        throw credentials_error(origin + " has no \"profiles\" list",
                                "run `aliyun configure` to write a valid file");
    for (const auto& entry : *profiles) {
        if (!entry.is_object() || string_field(entry, "name") != name)
            continue;
        const std::string mode = string_field(entry, "mode");
        const std::string where = origin + " profile " + name;
        if (mode != "AK" && mode != "StsToken" && !mode.empty())
            throw credentials_error(where + " uses mode " + mode + ", which is not supported yet",
                                    "use an AK or StsToken profile, or the "
                                    "ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET environment variables");
        Credentials found{string_field(entry, "access_key_id"),
                          string_field(entry, "access_key_secret"),
                          mode == "StsToken" ? string_field(entry, "sts_token") : "", where};
        if (found.access_key_id.empty() || found.access_key_secret.empty() ||
            (mode == "StsToken" && found.security_token.empty()))
            throw credentials_error(where + " is missing access_key_id, access_key_secret" +
                                        std::string(mode == "StsToken" ? " or sts_token" : ""),
                                    "complete the profile with `aliyun configure --profile " +
                                        name + "`");
        return found;
    }
    return std::nullopt;
}

std::optional<Credentials> credentials_from_ini(const std::string& text,
                                                const std::string& profile,
                                                const std::string& origin) {
    const std::string name = profile.empty() ? "default" : profile;
    std::map<std::string, std::string> section;
    bool in_section = false, seen = false;
    std::istringstream lines(text);
    std::string raw;
    int number = 0;
    while (std::getline(lines, raw)) {
        ++number;
        const std::string line = trim(raw);
        if (line.empty() || line[0] == '#' || line[0] == ';')
            continue;
        if (line.front() == '[') {
            if (line.back() != ']')
                throw credentials_error(origin + " line " + std::to_string(number) +
                                            ": unterminated section header",
                                        "fix the file's [profile] headers");
            in_section = trim(std::string_view(line).substr(1, line.size() - 2)) == name;
            seen = seen || in_section;
            continue;
        }
        const auto equals = line.find('=');
        if (equals == std::string::npos)
            throw credentials_error(origin + " line " + std::to_string(number) +
                                        ": expected key = value",
                                    "fix the file's syntax");
        if (in_section)
            section[trim(std::string_view(line).substr(0, equals))] =
                trim(std::string_view(line).substr(equals + 1));
    }
    if (!seen)
        return std::nullopt;

    const std::string where = origin + " profile " + name;
    const std::string type = section.count("type") ? section["type"] : "access_key";
    if (type != "access_key")
        throw credentials_error(where + " has type " + type + ", which is not supported yet",
                                "use type = access_key, or the environment variables");
    if (section["access_key_id"].empty() || section["access_key_secret"].empty())
        throw credentials_error(where + " is missing access_key_id or access_key_secret",
                                "add both keys to the [" + name + "] section");
    return Credentials{section["access_key_id"], section["access_key_secret"], "", where};
}

} // namespace verifysdk::auth
