#include "cli/console.hpp"

#include <iostream>

namespace verifysdk::cli {

Log Console::log() const {
    Log log;
    if (verbose_)
        log.debug = [](const std::string& line) { std::cerr << "verifysdk: " << line << '\n'; };
    if (!quiet_)
        log.info = [](const std::string& line) { std::cerr << "verifysdk: " << line << '\n'; };
    log.warn = [](const std::string& line) { std::cerr << "verifysdk: warning: " << line << '\n'; };
    return log;
}

void Console::result(const std::string& text, const nlohmann::json& object) const {
    if (json_)
        std::cout << object.dump() << std::endl;
    else if (!text.empty())
        std::cout << text << std::endl;
}

} // namespace verifysdk::cli
