#include "auth/credentials.hpp"

#include <cstdlib>

namespace verifysdk::auth {

EnvLookup process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr || *value == '\0')
            return std::nullopt;
        return std::string(value);
    };
}

std::string redact_access_key_id(const std::string& id) {
    if (id.size() <= 4)
        return "****";
    return std::string(id.size() - 4, '*') + id.substr(id.size() - 4);
}

} // namespace verifysdk::auth
