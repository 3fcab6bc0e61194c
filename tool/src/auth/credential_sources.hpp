// The individual sources of the credentials chain. Each returns nullopt when
// its source is absent, and throws Error(ExitCode::Credentials) when the source
// exists but is unusable (malformed, half-filled, unsupported mode).
#pragma once

#include "auth/credentials.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace verifysdk::auth {

// ALIBABA_CLOUD_* first, then the ALICLOUD_* spellings.
std::optional<Credentials> credentials_from_environment(const EnvLookup& env);

// The aliyun CLI's config.json. `profile` empty means the file's "current".
std::optional<Credentials> credentials_from_cli_config(const std::string& text,
                                                       const std::string& profile,
                                                       const std::string& origin);

// The INI file ~/.alibabacloud/credentials. `profile` empty means "default".
std::optional<Credentials> credentials_from_ini(const std::string& text,
                                                const std::string& profile,
                                                const std::string& origin);

} // namespace verifysdk::auth
