// api::read_response_document and api::service_error_in on arbitrary bodies:
// JSON (nlohmann/json), XML (pugixml), HTML, truncated and binary answers.
//
// Properties: an unreadable body raises a retryable net::NetworkError (no
// other exception) whose message is printable ASCII even for binary bodies;
// a readable one yields a document for which an HTTP error status always
// means a ServiceError, and status 200 means one exactly when Success is
// "false"/"False".
#include "api/response_reader.hpp"
#include "fuzz_support.hpp"
#include "net/network_error.hpp"

#include <algorithm>

using namespace verifysdk;

namespace {

bool printable_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte >= 0x20 && byte < 0x7f;
    });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    net::HttpResponse response;
    response.status = 200;
    response.body.assign(reinterpret_cast<const char*>(data), size);

    const std::string preview = api::preview_bytes(response.body);
    FUZZ_CHECK(printable_ascii(preview));
    FUZZ_CHECK(preview.size() <= 80 + 3);

    api::ResponseDocument document;
    try {
        document = api::read_response_document(response);
    } catch (const net::NetworkError& error) {
        FUZZ_CHECK(error.retryable());
        FUZZ_CHECK(printable_ascii(error.what()));
        return 0;
    } catch (const Error& error) {
        std::fprintf(stderr, "unexpected verifysdk::Error (not NetworkError): %s\n", error.what());
        FUZZ_CHECK(false);
    }

    for (const long status : {400L, 404L, 500L, 503L}) {
        const auto failure = api::service_error_in(document, status);
        FUZZ_CHECK(failure.has_value());
        FUZZ_CHECK(failure->status == status);
        FUZZ_CHECK(failure->code == document.get("Code").value_or(""));
    }
    const auto success = document.first_of({"Success", "success"});
    const bool failed = success && (*success == "false" || *success == "False");
    FUZZ_CHECK(api::service_error_in(document, 200).has_value() == failed);
    return 0;
}
