#include "sdk/url_redaction.hpp"


namespace verifysdk::sdk {

std::string strip_query(std::string_view url) {
    return std::string(url.substr(0, url.find_first_of("?#")));
}

std::string redact_url(std::string_view url) {
    std::string out = strip_query(url);
    const auto scheme_end = out.find("://");
    if (scheme_end == std::string::npos)
        return out;
    const auto authority = scheme_end + 3;
    const auto authority_end = out.find('/', authority);
    const auto at = out.rfind('@', authority_end == std::string::npos ? out.size() : authority_end);
    if (at != std::string::npos && at >= authority)
        out.erase(authority, at + 1 - authority);
    return out;
}

} // namespace verifysdk::sdk
