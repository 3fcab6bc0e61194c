// verifysdk: parse the command line, run one command, turn an error into a
// message and an exit code. Nothing else lives here.
#include "cli/commands.hpp"
#include "error.hpp"
#include "interrupt.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <vector>

namespace {

using verifysdk::ExitCode;

int report(const verifysdk::Error& error, bool json) {
    const auto& details = error.details();
    std::string context;
    if (!details.service_code.empty() || !details.request_id.empty()) {
        context = " (" + (details.service_code.empty() ? std::string("error") : details.service_code);
        if (!details.request_id.empty())
            context += ", RequestId " + details.request_id;
        context += ")";
    }
    std::cerr << "verifysdk: error: " << error.what() << context << '\n';
    if (!details.hint.empty())
        std::cerr << "verifysdk: " << details.hint << '\n';
    const int code = static_cast<int>(error.code());
    if (json)
        std::cout << nlohmann::json{{"error", {{"message", error.what()},
                                               {"code", details.service_code},
                                               {"request_id", details.request_id},
                                               {"hint", details.hint}}},
                                    {"exit_code", code}}
                         .dump()
                  << std::endl;
    return code;
}

} // namespace

int main(int argc, char** argv) {
    verifysdk::install_interrupt_handlers();
    CLI::App app{"verifysdk: get Alibaba Cloud's offline face-recognition SDK into your app's build",
                 "verifysdk"};
    app.set_version_flag("--version", std::string("verifysdk ") + VERIFYSDK_VERSION);
    app.require_subcommand(1);
    verifysdk::cli::CommonOptions common;
    verifysdk::cli::add_common_options(app, common);

    std::vector<verifysdk::cli::Command> commands = {
        verifysdk::cli::add_create_command(app, common),
        verifysdk::cli::add_describe_command(app, common),
        verifysdk::cli::add_fetch_command(app, common),
        verifysdk::cli::add_verify_command(app, common),
    };
    for (auto& command : commands)
        command.app->fallthrough(); // shared options also after the command name

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForAllHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForVersion& version) {
        return app.exit(version);
    } catch (const CLI::ParseError& parse) {
        std::cerr << "verifysdk: error: " << parse.what() << '\n'
                  << "verifysdk: run `verifysdk --help` for the options\n";
        return static_cast<int>(ExitCode::Usage);
    }

    try {
        for (auto& command : commands)
            if (command.app->parsed())
                command.run();
        return 0;
    } catch (const verifysdk::Error& error) {
        return report(error, common.json);
    } catch (const std::exception& unexpected) {
        std::cerr << "verifysdk: error: internal error: " << unexpected.what() << '\n'
                  << "verifysdk: please report this with the command you ran\n";
        return 1;
    }
}
