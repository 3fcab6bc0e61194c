#include "api/response_reader.hpp"

#include "ascii.hpp"
#include "net/network_error.hpp"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>


namespace verifysdk::api {

namespace {

std::string scalar_text(const nlohmann::json& value) {
    if (value.is_string())
        return value.get<std::string>();
    return value.dump();
}

bool read_json(const std::string& body, ResponseDocument& document) {
    const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object())
        return false;
    for (const auto& [name, value] : json.items()) {
        if (value.is_object()) {
            if (name == "Data")
                for (const auto& [inner, inner_value] : value.items())
                    if (!inner_value.is_structured())
                        document.fields["Data." + inner] = scalar_text(inner_value);
        } else if (!value.is_array() && !value.is_null()) {
            document.fields[name] = scalar_text(value);
        }
    }
    return true;
}

bool read_xml(const std::string& body, ResponseDocument& document) {
    pugi::xml_document xml;
    if (!xml.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8))
        return false;
    const pugi::xml_node root = xml.document_element();
    const std::string root_name = root.name();
    // An HTML page parses as XML sometimes; it is not an answer.
    if (root_name.empty() || root_name == "html" || root_name == "HTML")
        return false;
    for (const pugi::xml_node child : root.children()) {
        if (child.type() != pugi::node_element)
            continue;
        if (std::string(child.name()) == "Data" && child.find_child([](pugi::xml_node n) {
                return n.type() == pugi::node_element;
            })) {
            for (const pugi::xml_node inner : child.children())
                if (inner.type() == pugi::node_element)
                    document.fields[std::string("Data.") + inner.name()] = inner.text().get();
        } else {
            document.fields[child.name()] = child.text().get();
        }
    }
    return true;
}

bool looks_like_html(const std::string& body) {
    const auto start = body.find_first_not_of(" \t\r\n");
    if (start == std::string::npos)
        return false;
    const std::string head = ascii_lower(body.substr(start, 15));
    return head.rfind("<!doctype html", 0) == 0 || head.rfind("<html", 0) == 0;
}

} // namespace

std::optional<std::string> ResponseDocument::get(const std::string& name) const {
    auto it = fields.find(name);
    if (it == fields.end())
        return std::nullopt;
    return it->second;
}

std::optional<std::string> ResponseDocument::first_of(std::initializer_list<const char*> names) const {
    for (const char* name : names)
        if (auto value = get(name))
            return value;
    return std::nullopt;
}

std::string preview_bytes(const std::string& body, std::size_t limit) {
    std::string out;
    for (std::size_t i = 0; i < body.size() && i < limit; ++i) {
        const auto c = static_cast<unsigned char>(body[i]);
        out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
    }
    if (body.size() > limit)
        out += "...";
    return out;
}

ResponseDocument read_response_document(const net::HttpResponse& response) {
    const std::string& body = response.body;
    const std::string status = "HTTP " + std::to_string(response.status);
    if (body.find_first_not_of(" \t\r\n") == std::string::npos)
        throw net::NetworkError("the service answered " + status + " with an empty body", true,
                                "check --endpoint and any proxy between you and it");
    ResponseDocument document;
    const char first = body[body.find_first_not_of(" \t\r\n")];
    const bool parsed = !looks_like_html(body) &&
                        ((first == '{' && read_json(body, document)) ||
                         (first == '<' && read_xml(body, document)));
    if (!parsed)
        throw net::NetworkError("the service answered " + status +
                                    " with a body that is not a JSON or XML document (" +
                                    std::to_string(body.size()) + " bytes, first bytes: \"" +
                                    preview_bytes(body) + "\")",
                                true, "check --endpoint and any proxy between you and it");
    return document;
}

std::optional<ServiceError> service_error_in(const ResponseDocument& document, long status) {
    const auto success = document.first_of({"Success", "success"});
    const bool failed_flag = success && (*success == "false" || *success == "False");
    const auto code = document.get("Code");
    if (status < 400 && !failed_flag)
        return std::nullopt;
    ServiceError error;
    error.status = status;
    error.code = code.value_or("");
    error.message = document.get("Message").value_or("");
    error.request_id = document.get("RequestId").value_or("");
    error.host_id = document.get("HostId").value_or("");
    error.recommend = document.get("Recommend").value_or("");
    return error;
}

} // namespace verifysdk::api
