#include "sdk/app_inspector.hpp"

#include "sdk/url_redaction.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <memory>

namespace verifysdk::sdk {

namespace {

struct ArchiveReadFree {
    void operator()(archive* a) const { archive_read_free(a); }
};

// "Payload/<name>.app/<anything>"
bool is_ios_payload_entry(std::string_view name) {
    constexpr std::string_view prefix = "Payload/";
    if (name.substr(0, prefix.size()) != prefix)
        return false;
    name.remove_prefix(prefix.size());
    const auto slash = name.find('/');
    if (slash == std::string_view::npos)
        return false;
    const std::string_view bundle = name.substr(0, slash);
    constexpr std::string_view suffix = ".app";
    return bundle.size() > suffix.size() && bundle.substr(bundle.size() - suffix.size()) == suffix;
}

} // namespace

std::optional<std::string> detect_platform(const std::filesystem::path& app_file) {
    std::unique_ptr<archive, ArchiveReadFree> a(archive_read_new());
    if (!a)
        return std::nullopt;
    // The seekable reader walks the central directory, which is what Android
    // and iOS themselves trust, and does not decompress anything.
    archive_read_support_format_zip_seekable(a.get());
    if (archive_read_open_filename(a.get(), app_file.c_str(), 64 * 1024) != ARCHIVE_OK)
        return std::nullopt;
    archive_entry* entry = nullptr;
    for (;;) {
        const int r = archive_read_next_header(a.get(), &entry);
        if (r == ARCHIVE_EOF || r < ARCHIVE_WARN)
            return std::nullopt;
        const char* raw = archive_entry_pathname(entry);
        const std::string_view name = raw != nullptr ? raw : "";
        if (name == "AndroidManifest.xml")
            return "android";
        if (is_ios_payload_entry(name))
            return "ios";
        if (archive_read_data_skip(a.get()) < ARCHIVE_WARN)
            return std::nullopt;
    }
}

std::optional<std::string> platform_from_url(std::string_view url) {
    const std::string path = strip_query(url);
    std::string name = path.substr(path.find_last_of('/') + 1);
    for (char& c : name)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    const auto ends_with = [&](std::string_view suffix) {
        return name.size() > suffix.size() &&
               std::string_view(name).substr(name.size() - suffix.size()) == suffix;
    };
    if (ends_with(".apk") || ends_with(".aab"))
        return "android";
    if (ends_with(".ipa"))
        return "ios";
    return std::nullopt;
}

} // namespace verifysdk::sdk
