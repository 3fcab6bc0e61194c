// verifysdk verify: re-check an installed SDK against its manifest, offline.
#include "cli/commands.hpp"
#include "cli/console.hpp"
#include "error.hpp"
#include "sdk/manifest.hpp"

#include <memory>

namespace verifysdk::cli {

Command add_verify_command(CLI::App& root, const CommonOptions& common) {
    auto dest = std::make_shared<std::filesystem::path>("third_party/cloudauth-offline-sdk");
    CLI::App* app = root.add_subcommand(
        "verify", "check every installed file against verifysdk.lock.json (offline)");
    app->add_option("--dest", *dest, "the installed SDK folder")->capture_default_str();

    auto run = [dest, &common] {
        Console console(common.verbose, common.quiet, common.json);
        const Log log = console.log();
        const sdk::Manifest manifest = sdk::read_manifest(*dest);
        const sdk::VerifyReport report = sdk::verify_installed(*dest, manifest);
        for (const auto& path : report.added)
            log.info("added:   " + path);
        for (const auto& path : report.missing)
            log.info("missing: " + path);
        for (const auto& path : report.changed)
            log.info("changed: " + path);
        console.result(report.ok() ? dest->string() + ": " + std::to_string(manifest.files.size()) +
                                         " files match the manifest (task " + manifest.task_id + ")"
                                   : "",
                       {{"ok", report.ok()},
                        {"dest", dest->string()},
                        {"added", report.added},
                        {"missing", report.missing},
                        {"changed", report.changed}});
        if (!report.ok())
            throw verification_error(
                dest->string() + " differs from its manifest: " +
                    std::to_string(report.added.size()) + " added, " +
                    std::to_string(report.missing.size()) + " missing, " +
                    std::to_string(report.changed.size()) + " changed",
                "run `verifysdk fetch --refresh always` to reinstall the SDK");
    };
    return {app, run};
}

} // namespace verifysdk::cli
