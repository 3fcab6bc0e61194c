// Where library code reports progress: the CLI decides what reaches the
// terminal (quiet, verbose, JSON mode); tests capture or drop it.
#pragma once

#include <functional>
#include <string>

namespace verifysdk {

struct Log {
    std::function<void(const std::string&)> debug = [](const std::string&) {}; // --verbose only
    std::function<void(const std::string&)> info = [](const std::string&) {};  // not with --quiet
    std::function<void(const std::string&)> warn = [](const std::string&) {};  // always, to stderr
};

} // namespace verifysdk
