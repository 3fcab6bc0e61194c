// What reaches the terminal. Messages go to stderr; stdout carries only the
// result (a line of text, or one JSON object with --json).
#pragma once

#include "log.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace verifysdk::cli {

class Console {
public:
    Console(bool verbose, bool quiet, bool json) : verbose_(verbose), quiet_(quiet), json_(json) {}

    Log log() const;
    // The command's result: text on stdout, or the JSON object with --json.
    void result(const std::string& text, const nlohmann::json& object) const;
    bool json() const { return json_; }
    bool quiet() const { return quiet_; }

private:
    bool verbose_, quiet_, json_;
};

} // namespace verifysdk::cli
