#include "api/redaction.hpp"

#include "api/percent_encoding.hpp"
#include "auth/credentials.hpp"

namespace verifysdk::api {

namespace {
std::string redact_value(const std::string& name, const std::string& value) {
    if (name == "Signature" || name == "SecurityToken" || name == "security-token")
        return "REDACTED";
    if (name == "AccessKeyId" || name == "OSSAccessKeyId")
        return auth::redact_access_key_id(percent_decode(value));
    // An address inside a parameter (AppUrl) may be presigned itself: redact
    // its query the same way, and leave the value as sent when nothing changes.
    const std::string decoded = percent_decode(value);
    if (decoded.find("://") != std::string::npos && decoded.find('?') != std::string::npos) {
        const std::string redacted = redact_request_text(decoded);
        if (redacted != decoded)
            return percent_encode(redacted);
    }
    return value;
}
} // namespace

std::string redact_request_text(const std::string& text) {
    const auto question = text.find('?');
    const bool is_url = text.find("://") != std::string::npos;
    if (is_url && question == std::string::npos)
        return text;
    std::size_t start = is_url ? question + 1 : 0;
    std::string out = text.substr(0, start);
    while (start <= text.size()) {
        auto end = text.find('&', start);
        if (end == std::string::npos)
            end = text.size();
        const std::string pair = text.substr(start, end - start);
        const auto equals = pair.find('=');
        if (equals == std::string::npos) {
            out += pair;
        } else {
            const std::string name = percent_decode(pair.substr(0, equals));
            out += pair.substr(0, equals + 1) + redact_value(name, pair.substr(equals + 1));
        }
        if (end == text.size())
            break;
        out += '&';
        start = end + 1;
    }
    return out;
}

std::string scrub_secrets(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) {
        std::string form = secret;
        for (int depth = 0; depth < 4 && !form.empty(); ++depth) {
            for (auto at = text.find(form); at != std::string::npos; at = text.find(form, at + 8))
                text.replace(at, form.size(), "REDACTED");
            form = api::percent_encode(form);
        }
    }
    return text;
}

Log scrubbing_log(const Log& log, std::shared_ptr<const std::vector<std::string>> secrets) {
    auto wrap = [secrets](std::function<void(const std::string&)> sink) {
        return [secrets, sink = std::move(sink)](const std::string& line) {
            sink(scrub_secrets(line, *secrets));
        };
    };
    return {wrap(log.debug), wrap(log.info), wrap(log.warn)};
}

Error scrubbed_error(const Error& failure, const std::vector<std::string>& secrets) {
    ErrorDetails details = failure.details();
    details.hint = scrub_secrets(details.hint, secrets);
    return Error(failure.code(), scrub_secrets(failure.what(), secrets), details);
}

} // namespace verifysdk::api
