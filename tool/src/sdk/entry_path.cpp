#include "sdk/entry_path.hpp"

#include "error.hpp"

#include <cstdint>
#include <vector>

namespace verifysdk::sdk {

std::string printable_name(std::string_view raw) {
    static constexpr char digits[] = "0123456789abcdef";
    // Valid UTF-8 is shown as is (names may be Chinese), except C1 controls
    // (U+0080..U+009F, "\xc2\x80".."\xc2\x9f"); other text byte by byte.
    const bool utf8 = is_valid_utf8(raw);
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const auto c = static_cast<unsigned char>(raw[i]);
        const bool c1 = utf8 && c == 0xc2 && i + 1 < raw.size() &&
                        static_cast<unsigned char>(raw[i + 1]) < 0xa0;
        if (c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && !utf8) || c1) {
            const std::size_t count = c1 ? 2 : 1;
            for (std::size_t k = 0; k < count; ++k) {
                const auto b = static_cast<unsigned char>(raw[i + k]);
                out += "\\x";
                out += digits[b >> 4];
                out += digits[b & 0x0f];
            }
            i += count - 1;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

namespace {

[[noreturn]] void refuse(std::string_view what, std::string_view raw, std::string_view rule) {
    throw verification_error("unsafe archive: " + std::string(what) + " \"" + printable_name(raw) +
                                 "\" " + std::string(rule),
                             "the SDK download was refused; ask the provider for a "
                             "well-formed archive or report it");
}

void check_characters(std::string_view what, std::string_view raw) {
    for (unsigned char c : raw)
        if (c < 0x20 || c == 0x7f)
            refuse(what, raw, "contains a control character");
    if (!is_valid_utf8(raw))
        refuse(what, raw, "is not valid UTF-8");
}

std::vector<std::string_view> split(std::string_view path) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const auto end = slash == std::string_view::npos ? path.size() : slash;
        const auto part = path.substr(start, end - start);
        if (!part.empty() && part != ".")
            parts.push_back(part);
        start = end + 1;
    }
    return parts;
}

} // namespace

bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            length = 2;
            cp = c & 0x1fu;
        } else if ((c & 0xf0) == 0xe0) {
            length = 3;
            cp = c & 0x0fu;
        } else if ((c & 0xf8) == 0xf0) {
            length = 4;
            cp = c & 0x07u;
        } else {
            return false;
        }
        if (i + length > text.size())
            return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3fu);
        }
        // Overlong forms, UTF-16 surrogates and values past Unicode are invalid.
        static constexpr std::uint32_t min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_for_length[length] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += length;
    }
    return true;
}

std::string normalise_entry_path(std::string_view raw, bool allow_root) {
    check_characters("entry", raw);
    if (!raw.empty() && raw.front() == '/')
        refuse("entry", raw, "has an absolute path");
    std::string out;
    for (const auto part : split(raw)) {
        if (part == "..")
            refuse("entry", raw, "has a \"..\" component");
        if (!out.empty())
            out += '/';
        out += part;
    }
    if (out.empty() && !allow_root)
        refuse("entry", raw, "has an empty name");
    return out;
}

void check_symlink_target(std::string_view link_path, std::string_view target) {
    const std::string what = "symlink " + printable_name(link_path) + " ->";
    check_characters(what, target);
    if (target.empty())
        refuse(what, target, "has an empty target");
    if (target.front() == '/')
        refuse(what, target, "points to an absolute path");
    // Depth of the link's folder: "a/b/link" lives two levels down.
    std::size_t depth = split(link_path).size();
    depth = depth > 0 ? depth - 1 : 0;
    bool seen_name = false;
    for (const auto part : split(target)) {
        if (part != "..") {
            seen_name = true;
            continue;
        }
        if (seen_name)
            refuse(what, target, "uses \"..\" after a folder name");
        if (depth == 0)
            refuse(what, target, "points outside the SDK folder");
        --depth;
    }
}

} // namespace verifysdk::sdk
