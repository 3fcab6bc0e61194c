// What a log line or --dry-run may show of a signed request: Signature and
// SecurityToken never, the AccessKeyId only by its last 4 characters.
#pragma once

#include <string>

namespace verifysdk::api {

// Redacts inside a URL (its query string) or a form body.
std::string redact_request_text(const std::string& text);

} // namespace verifysdk::api
