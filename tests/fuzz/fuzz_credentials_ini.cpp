// auth::credentials_from_ini on arbitrary text: ~/.alibabacloud/credentials,
// an INI file that a user edits by hand.
//
// Properties: bad input is refused with Error(ExitCode::Credentials) only;
// credentials that are returned have a key id and a secret and no token;
// and the reader does not care about line endings: the same text with CRLF
// gives the same answer, or the same refusal.
#include "auth/credential_sources.hpp"
#include "error.hpp"
#include "fuzz_support.hpp"

#include <optional>

using namespace verifysdk;

namespace {

struct Outcome {
    std::optional<auth::Credentials> found;
    std::optional<std::string> refusal;
};

Outcome read(const std::string& text, const std::string& profile) {
    Outcome outcome;
    try {
        outcome.found = auth::credentials_from_ini(text, profile, "credentials");
    } catch (const Error& error) {
        FUZZ_CHECK(error.code() == ExitCode::Credentials);
        outcome.refusal = error.what();
    }
    return outcome;
}

bool same(const Outcome& a, const Outcome& b) {
    if (a.refusal || b.refusal)
        return a.refusal == b.refusal;
    if (!a.found || !b.found)
        return a.found.has_value() == b.found.has_value();
    return a.found->access_key_id == b.found->access_key_id &&
           a.found->access_key_secret == b.found->access_key_secret &&
           a.found->source == b.found->source;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::string crlf;
    crlf.reserve(text.size() + text.size() / 8);
    for (const char c : text) {
        if (c == '\n')
            crlf += '\r';
        crlf += c;
    }
    for (const char* profile : {"", "dev"}) {
        const Outcome outcome = read(text, profile);
        if (outcome.found) {
            FUZZ_CHECK(!outcome.found->access_key_id.empty());
            FUZZ_CHECK(!outcome.found->access_key_secret.empty());
            FUZZ_CHECK(outcome.found->security_token.empty());
        }
        FUZZ_CHECK(same(outcome, read(crlf, profile)));
    }
    return 0;
}
