#include "api/redaction.hpp"
#include "cli/commands.hpp"

#include <iostream>

namespace verifysdk::cli {

void print_dry_run(const net::HttpRequest& request) {
    std::cout << request.method << ' ' << api::redact_request_text(request.url) << '\n';
    for (const auto& [name, value] : request.headers)
        std::cout << name << ": " << value << '\n';
    if (!request.body.empty())
        std::cout << '\n' << api::redact_request_text(request.body) << '\n';
    std::cout.flush();
}

} // namespace verifysdk::cli
