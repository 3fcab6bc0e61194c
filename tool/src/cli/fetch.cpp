// verifysdk fetch: the whole pipeline, from the built app to an installed SDK.
#include "cli/commands.hpp"
#include "cli/console.hpp"
#include "error.hpp"
#include "sdk/fetch_pipeline.hpp"

#include <unistd.h>

#include <cstdint>
#include <memory>

namespace verifysdk::cli {

namespace {

struct FetchCommandOptions {
    sdk::FetchOptions fetch;
    std::string wait_timeout = "600";
    std::string refresh = "auto";
    std::string on_error = "fail";
};

// "600", "600s", "10m", "1h" -> milliseconds
std::chrono::milliseconds parse_duration(const std::string& text) {
    std::size_t used = 0;
    double value = -1;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
    }
    const std::string unit = text.substr(used);
    const double scale = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : -1;
    if (value < 0 || scale < 0)
        throw usage_error("--wait-timeout " + text + " is not a duration",
                          "use seconds (600) or a unit: 90s, 10m, 1h");
    return std::chrono::milliseconds(static_cast<long long>(value * scale * 1000));
}

nlohmann::json outcome_json(const sdk::FetchOutcome& outcome, const sdk::FetchOptions& options) {
    static const char* names[] = {"up_to_date", "installed", "verified_offline", "dry_run"};
    return {{"status", names[static_cast<int>(outcome.status)]},
            {"dest", options.dest.string()},
            {"task_id", outcome.manifest.task_id},
            {"sdk_sha256", outcome.manifest.sdk_sha256},
            {"files", outcome.manifest.files.size()},
            {"app_url", outcome.manifest.app_url},
            {"uploaded", outcome.uploaded}};
}

} // namespace

Command add_fetch_command(CLI::App& root, const CommonOptions& common) {
    auto o = std::make_shared<FetchCommandOptions>();
    CLI::App* app = root.add_subcommand(
        "fetch", "submit the app, wait, download, verify and install the SDK (if anything changed)");
    app->add_option("--app-url", o->fetch.app_url,
                    "reachable address of the built APK or IPA (not with --upload)");
    app->add_option("--app-file", o->fetch.app_file,
                    "the built app; its SHA-256 identifies the app version");
    sdk::UploadOptions& upload = o->fetch.upload;
    app->add_option("--upload", upload.oss_uri,
                    "upload --app-file to oss://bucket/prefix/ and submit a presigned address "
                    "of it (only when a generation is needed)");
    app->add_option("--upload-key", upload.key,
                    "object key for the upload (default: <prefix><app file name>)");
    app->add_option("--upload-expires", upload.expires_s,
                    "seconds the presigned address of the upload stays valid (at most 604800)")
        ->check(CLI::Range(std::int64_t{1}, sdk::max_upload_expires_s))
        ->capture_default_str();
    app->add_option("--oss-region", upload.oss_region,
                    "region of the --upload bucket: https://oss-<region>.aliyuncs.com");
    app->add_option("--oss-endpoint", upload.oss_endpoint,
                    "OSS address instead of --oss-region (plain http only for loopback, "
                    "path-style)");
    app->add_option("--upload-put-url", upload.put_url,
                    "PUT --app-file to this presigned address first, then submit --app-url");
    app->add_option("--platform", o->fetch.platform, "android or ios (default: from the app)")
        ->check(CLI::IsMember({"android", "ios"}, CLI::ignore_case));
    app->add_option("--dest", o->fetch.dest, "where the SDK is installed")->capture_default_str();
    app->add_option("--wait-timeout", o->wait_timeout,
                    "how long to wait for generation (seconds, or 90s, 10m, 1h)")
        ->capture_default_str();
    app->add_option("--refresh", o->refresh,
                    "auto: only when the app or options changed; always; never: keep any "
                    "installed SDK")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
    app->add_option("--on-error", o->on_error,
                    "warn: report a failure, keep the installed SDK and exit 0")
        ->check(CLI::IsMember({"fail", "warn"}))
        ->capture_default_str();
    app->add_flag("--offline", o->fetch.offline,
                  "never touch the network: succeed only if the installed SDK verifies");
    app->add_flag("--keep-archive", o->fetch.keep_archive,
                  "keep the downloaded archive in the state folder");

    auto run = [o, &common] {
        Console console(common.verbose, common.quiet, common.json);
        const Log log = console.log();
        sdk::FetchOptions fetch = o->fetch;
        fetch.wait_timeout = parse_duration(o->wait_timeout);
        fetch.refresh = o->refresh == "always" ? sdk::RefreshMode::Always
                        : o->refresh == "never" ? sdk::RefreshMode::Never
                                                : sdk::RefreshMode::Auto;
        fetch.dry_run = common.dry_run;
        if (!fetch.app_url.empty() && fetch.app_url.rfind("https://", 0) != 0 &&
            fetch.app_url.rfind("http://", 0) != 0)
            throw usage_error("--app-url must be an http:// or https:// address");

        sdk::FetchEnvironment environment;
        environment.settings = client_settings(common);
        environment.transport = transport_options(common);
        environment.credentials = [&common, log] { return load_credentials(common, log); };
        environment.log = log;
        const bool terminal = ::isatty(STDERR_FILENO) == 1 && !common.quiet;
        environment.terminal = terminal;
        environment.progress = common.quiet ? sdk::ProgressStyle::None
                               : terminal   ? sdk::ProgressStyle::Bar
                                            : sdk::ProgressStyle::Lines;
        try {
            const sdk::FetchOutcome outcome = sdk::run_fetch(fetch, environment);
            if (outcome.status == sdk::FetchStatus::DryRun) {
                print_dry_run(outcome.dry_run_request);
                return;
            }
            console.result("", outcome_json(outcome, fetch));
        } catch (const Error& failure) {
            const bool warn_only = o->on_error == "warn" && failure.code() != ExitCode::Usage &&
                                   failure.code() != ExitCode::Interrupted;
            if (!warn_only)
                throw;
            log.warn(std::string("could not refresh the SDK: ") + failure.what() +
                     (failure.details().service_code.empty()
                          ? ""
                          : " (" + failure.details().service_code + ")"));
            log.warn("keeping the SDK already in " + fetch.dest.string() +
                     " (--on-error warn); " + failure.details().hint);
            console.result("", {{"status", "warning"},
                                {"error", failure.what()},
                                {"exit_code", static_cast<int>(failure.code())}});
        }
    };
    return {app, run};
}

} // namespace verifysdk::cli
