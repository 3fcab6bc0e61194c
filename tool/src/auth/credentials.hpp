// An access key, optionally with an STS token, and where it came from.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace verifysdk::auth {

struct Credentials {
    std::string access_key_id;
    std::string access_key_secret;
    std::string security_token; // empty unless STS
    std::string source;         // for messages: "environment", "~/.aliyun/config.json profile default"
};

// Reads an environment variable; injectable so tests never touch the real environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_environment();

// Where a key ends up in logs: all but the last 4 characters hidden.
std::string redact_access_key_id(const std::string& id);

} // namespace verifysdk::auth
