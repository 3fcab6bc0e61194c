// The credentials chain, in the order Alibaba's own tools use:
// environment, aliyun CLI config.json, the INI credentials file.
#pragma once

#include "auth/credentials.hpp"

#include <functional>
#include <string>

namespace verifysdk::auth {

struct CredentialsRequest {
    std::string profile; // from --profile; empty means ALIBABA_CLOUD_PROFILE, then the file's own default
};

using Warn = std::function<void(const std::string&)>;

// Throws Error(ExitCode::Credentials) listing every place it looked when nothing is found.
Credentials resolve_credentials(const CredentialsRequest& request, const EnvLookup& env,
                                const Warn& warn);

} // namespace verifysdk::auth
