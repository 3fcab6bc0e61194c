// Which platform a built app is for, from its contents or its address, so the
// user rarely has to say --platform.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace verifysdk::sdk {

// "android" for a zip with AndroidManifest.xml at the top level (an APK; an
// AAB keeps it under base/manifest/ and is recognised by platform_from_url
// only), "ios" for a zip with an entry below "Payload/<name>.app/" (an IPA);
// nullopt for anything else, including a file that is not a zip or cannot be
// read. Reads the zip's central directory and entry headers only.
std::optional<std::string> detect_platform(const std::filesystem::path& app_file);

// From the address's file name, ignoring query string, fragment and case:
// .apk/.aab -> "android", .ipa -> "ios", otherwise nullopt.
std::optional<std::string> platform_from_url(std::string_view url);

} // namespace verifysdk::sdk
