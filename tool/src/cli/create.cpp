// verifysdk create: submit the app, print the TaskId.
#include "cli/commands.hpp"
#include "cli/console.hpp"
#include "error.hpp"
#include "net/curl_http_client.hpp"

#include <memory>

namespace verifysdk::cli {

namespace {
struct CreateOptions {
    std::string app_url;
    std::string platform;
};
} // namespace

Command add_create_command(CLI::App& root, const CommonOptions& common) {
    auto options = std::make_shared<CreateOptions>();
    CLI::App* app = root.add_subcommand("create", "submit an app; prints the generation's TaskId");
    app->add_option("--app-url", options->app_url, "reachable address of the built APK or IPA")
        ->required();
    app->add_option("--platform", options->platform, "android or ios")
        ->check(CLI::IsMember({"android", "ios"}, CLI::ignore_case));

    auto run = [options, &common] {
        if (options->app_url.rfind("https://", 0) != 0 && options->app_url.rfind("http://", 0) != 0)
            throw usage_error("--app-url must be an http:// or https:// address",
                              "publish the built app where the service can download it");
        Console console(common.verbose, common.quiet, common.json);
        const Log log = console.log();
        const api::ClientSettings settings = client_settings(common);
        net::CurlHttpClient http(transport_options(common));
        api::CloudauthClient client(http, load_credentials(common, log), settings, log);
        const std::string& platform = options->platform;
        if (common.dry_run) {
            print_dry_run(client.sign_now(
                api::CloudauthClient::create_call(settings, options->app_url, platform)));
            return;
        }
        const api::CreateResult result = client.create_verify_sdk(options->app_url, platform);
        console.result(result.task_id,
                       {{"task_id", result.task_id}, {"request_id", result.request_id}});
    };
    return {app, run};
}

} // namespace verifysdk::cli
