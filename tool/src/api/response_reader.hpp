// Reads Cloudauth answers, JSON or XML, in every shape met in the wild:
// fields at the top level or under Data, and error documents.
#pragma once

#include "net/http_client.hpp"

#include <map>
#include <optional>
#include <string>

namespace verifysdk::api {

// Top-level scalar fields by name ("RequestId", "Code", "Success"), and the
// scalar fields of a Data object as "Data.<name>".
struct ResponseDocument {
    std::map<std::string, std::string> fields;

    std::optional<std::string> get(const std::string& name) const;
    // The first of the names that is present.
    std::optional<std::string> first_of(std::initializer_list<const char*> names) const;
};

struct ServiceError {
    long status = 0;
    std::string code, message, request_id, host_id, recommend;
};

// Throws net::NetworkError (retryable) when the body is not a JSON or XML
// document: empty, HTML, truncated, malformed. The message names the HTTP
// status and the first bytes received.
ResponseDocument read_response_document(const net::HttpResponse& response);

// An error document, "Success": false, or an HTTP error status.
std::optional<ServiceError> service_error_in(const ResponseDocument& document, long status);

// The first bytes of a body, printable and short, for error messages.
std::string preview_bytes(const std::string& body, std::size_t limit = 80);

} // namespace verifysdk::api
