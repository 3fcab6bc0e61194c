// What a log line or --dry-run may show of a signed request: Signature and
// SecurityToken never, the AccessKeyId only by its last 4 characters.
#pragma once

#include "error.hpp"
#include "log.hpp"

#include <memory>
#include <string>
#include <vector>

namespace verifysdk::api {

// Redacts inside a URL (its query string) or a form body.
std::string redact_request_text(const std::string& text);

// Replaces every occurrence of each secret (as given, and percent-encoded up
// to three times over, as it appears once a value is nested in a signed
// request and echoed back in a service's StringToSign) with "REDACTED".
// Empty secrets are ignored.
std::string scrub_secrets(std::string text, const std::vector<std::string>& secrets);

// A log whose every line is scrubbed of the secrets (which may grow later).
Log scrubbing_log(const Log& log, std::shared_ptr<const std::vector<std::string>> secrets);
// The same error with its message and hint scrubbed.
Error scrubbed_error(const Error& failure, const std::vector<std::string>& secrets);

} // namespace verifysdk::api
