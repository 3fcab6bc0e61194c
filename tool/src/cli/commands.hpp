// Every subcommand registers itself on the root app and hands back the action
// to run when it is the one chosen.
#pragma once

#include "cli/common_options.hpp"

#include <CLI/CLI.hpp>

#include <functional>

namespace verifysdk::cli {

using CommandAction = std::function<void()>;

struct Command {
    CLI::App* app;
    CommandAction run;
};

Command add_create_command(CLI::App& root, const CommonOptions& common);
Command add_describe_command(CLI::App& root, const CommonOptions& common);
Command add_fetch_command(CLI::App& root, const CommonOptions& common);
Command add_verify_command(CLI::App& root, const CommonOptions& common);

// Prints the signed request for --dry-run, redacted like --verbose logs.
void print_dry_run(const net::HttpRequest& request);

} // namespace verifysdk::cli
