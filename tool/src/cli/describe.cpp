// verifysdk describe: ask how a generation is going; print the SDK address when done.
#include "cli/commands.hpp"
#include "cli/console.hpp"
#include "net/curl_http_client.hpp"

#include <memory>

namespace verifysdk::cli {

Command add_describe_command(CLI::App& root, const CommonOptions& common) {
    auto task_id = std::make_shared<std::string>();
    CLI::App* app = root.add_subcommand(
        "describe", "print the SDK download address, or say that generation is still running");
    app->add_option("--task-id", *task_id, "the TaskId that `verifysdk create` printed")
        ->required();

    auto run = [task_id, &common] {
        Console console(common.verbose, common.quiet, common.json);
        const Log log = console.log();
        const api::ClientSettings settings = client_settings(common);
        net::CurlHttpClient http(transport_options(common));
        api::CloudauthClient client(http, load_credentials(common, log), settings, log);
        if (common.dry_run) {
            print_dry_run(client.sign_now(api::CloudauthClient::describe_call(settings, *task_id)));
            return;
        }
        const api::DescribeResult result = client.describe_verify_sdk(*task_id);
        if (!result.ready())
            log.info("task " + *task_id + ": generation is still running; ask again shortly");
        console.result(result.sdk_url, {{"task_id", *task_id},
                                        {"request_id", result.request_id},
                                        {"sdk_url", result.sdk_url},
                                        {"ready", result.ready()}});
    };
    return {app, run};
}

} // namespace verifysdk::cli
