// Archive entry validation (sdk/entry_path.hpp): normalise_entry_path,
// check_symlink_target, is_valid_utf8 and printable_name on arbitrary names.
//
// Input: one flag byte (bit 0: allow_root), a counted part (the link's own
// path) and the rest (the entry name, and the link's target).
// Properties:
// - an accepted name is normal (no empty, "." or ".." component, not
//   absolute, no control character, valid UTF-8), keeps the components of
//   the raw name in order, and normalises to itself;
// - an accepted symlink target resolves, lexically from the link's folder,
//   without ever climbing above the extraction root, and has no ".." after
//   a name;
// - refusals are verification_error (exit 7) and their messages cannot drive
//   a terminal: no control bytes, valid UTF-8;
// - is_valid_utf8 agrees with the table of well-formed sequences in the
//   Unicode standard (Table 3-7), written here independently;
// - printable_name gives valid UTF-8 without control bytes, and leaves
//   harmless text alone.
#include "error.hpp"
#include "fuzz_support.hpp"
#include "sdk/entry_path.hpp"

#include <vector>

using namespace verifysdk;

namespace {

// Unicode 15, Table 3-7: well-formed UTF-8 byte sequences.
bool reference_utf8(std::string_view text) {
    std::size_t i = 0;
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const auto in = [](unsigned char b, unsigned lo, unsigned hi) { return b >= lo && b <= hi; };
    while (i < text.size()) {
        const unsigned char b0 = at(i);
        std::size_t length;
        unsigned lo = 0x80, hi = 0xbf; // range of the second byte
        if (b0 <= 0x7f) {
            ++i;
            continue;
        } else if (in(b0, 0xc2, 0xdf)) {
            length = 2;
        } else if (b0 == 0xe0) {
            length = 3, lo = 0xa0;
        } else if (in(b0, 0xe1, 0xec) || in(b0, 0xee, 0xef)) {
            length = 3;
        } else if (b0 == 0xed) {
            length = 3, hi = 0x9f;
        } else if (b0 == 0xf0) {
            length = 4, lo = 0x90;
        } else if (in(b0, 0xf1, 0xf3)) {
            length = 4;
        } else if (b0 == 0xf4) {
            length = 4, hi = 0x8f;
        } else {
            return false;
        }
        if (i + length > text.size() || !in(at(i + 1), lo, hi))
            return false;
        for (std::size_t k = 2; k < length; ++k)
            if (!in(at(i + k), 0x80, 0xbf))
                return false;
        i += length;
    }
    return true;
}

bool has_control_byte(std::string_view text) {
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7f)
            return true;
    }
    return false;
}

// Components of a '/'-separated path, keeping empty and "." ones.
std::vector<std::string_view> components(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
        const auto slash = path.find('/', start);
        out.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
        if (slash == std::string_view::npos)
            return out;
        start = slash + 1;
    }
}

std::vector<std::string_view> meaningful(std::string_view path) {
    std::vector<std::string_view> out;
    for (const auto part : components(path))
        if (!part.empty() && part != ".")
            out.push_back(part);
    return out;
}

void check_refusal(const Error& error) {
    FUZZ_CHECK(error.code() == ExitCode::Verification);
    const std::string_view message = error.what();
    FUZZ_CHECK(!has_control_byte(message));
    FUZZ_CHECK(reference_utf8(message));
}

void fuzz_name(std::string_view raw, bool allow_root) {
    std::string normal;
    try {
        normal = sdk::normalise_entry_path(raw, allow_root);
    } catch (const Error& error) {
        check_refusal(error);
        return;
    }
    FUZZ_CHECK(!has_control_byte(raw) && reference_utf8(raw));
    FUZZ_CHECK(raw.empty() || raw.front() != '/');
    FUZZ_CHECK(allow_root || !normal.empty());
    const auto parts = meaningful(raw);
    FUZZ_CHECK(normal.empty() ? parts.empty() : components(normal) == parts);
    for (const auto part : parts)
        FUZZ_CHECK(part != "..");
    if (!normal.empty())
        FUZZ_CHECK(sdk::normalise_entry_path(normal) == normal);
}

void fuzz_link(std::string_view link, std::string_view target) {
    try {
        sdk::check_symlink_target(link, target);
    } catch (const Error& error) {
        check_refusal(error);
        return;
    }
    FUZZ_CHECK(!target.empty() && target.front() != '/');
    FUZZ_CHECK(!has_control_byte(target) && reference_utf8(target));
    // Resolve lexically from the link's folder: never above the root.
    auto folder = meaningful(link);
    if (!folder.empty())
        folder.pop_back();
    bool seen_name = false;
    for (const auto part : meaningful(target)) {
        if (part == "..") {
            FUZZ_CHECK(!seen_name);
            FUZZ_CHECK(!folder.empty());
            folder.pop_back();
        } else {
            seen_name = true;
            folder.push_back(part);
        }
    }
}

void fuzz_printable(std::string_view raw) {
    const std::string shown = sdk::printable_name(raw);
    FUZZ_CHECK(!has_control_byte(shown));
    FUZZ_CHECK(reference_utf8(shown));
    bool harmless = reference_utf8(raw) && !has_control_byte(raw) &&
                    raw.find('\\') == std::string_view::npos;
    for (std::size_t i = 0; harmless && i + 1 < raw.size(); ++i) // C1: U+0080..U+009F
        if (static_cast<unsigned char>(raw[i]) == 0xc2 &&
            static_cast<unsigned char>(raw[i + 1]) < 0xa0)
            harmless = false;
    if (harmless)
        FUZZ_CHECK(shown == raw);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Input input(data, size);
    const bool allow_root = (input.byte() & 1) != 0;
    const std::string link_raw(input.counted_part());
    const std::string name(input.rest()); // own copies: ASan sees overreads

    FUZZ_CHECK(sdk::is_valid_utf8(name) == reference_utf8(name));
    FUZZ_CHECK(sdk::is_valid_utf8(link_raw) == reference_utf8(link_raw));
    fuzz_name(name, allow_root);
    fuzz_name(link_raw, false);
    fuzz_printable(name);

    // The extractor passes the link's normalised path; a raw one must not
    // crash either.
    std::string link = link_raw;
    try {
        link = sdk::normalise_entry_path(link_raw);
    } catch (const Error&) {
    }
    fuzz_link(link, name);
    return 0;
}
