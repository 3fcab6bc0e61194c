#include "cli/common_options.hpp"

#include "auth/credentials_chain.hpp"
#include "error.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

namespace verifysdk::cli {

void add_common_options(CLI::App& app, CommonOptions& o) {
    app.add_option("--endpoint", o.endpoint,
                   "Cloudauth address (default https://cloudauth.aliyuncs.com; plain http only "
                   "for loopback)");
    app.add_option("--region", o.region, "region id: https://cloudauth.<region>.aliyuncs.com");
    app.add_option("--api-version", o.api_version, "API version")->capture_default_str();
    app.add_option("--format", o.format, "response format")
        ->check(CLI::IsMember({"json", "xml"}, CLI::ignore_case))
        ->capture_default_str();
    app.add_option("--method", o.method, "HTTP method of API calls")
        ->check(CLI::IsMember({"GET", "POST"}, CLI::ignore_case))
        ->capture_default_str();
    app.add_flag("--form-body", o.form_body,
                 "with POST: send the action's parameters in a form body");
    app.add_option("--profile", o.profile, "credentials profile (else ALIBABA_CLOUD_PROFILE)");
    app.add_option("--ca-file", o.ca_file, "extra CA bundle (PEM) to trust")
        ->check(CLI::ExistingFile);
    app.add_option("--connect-timeout", o.connect_timeout_s, "seconds to connect")
        ->check(CLI::Range(0.1, 600.0))
        ->capture_default_str();
    app.add_option("--request-timeout", o.request_timeout_s,
                   "seconds an API call may take in all")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    app.add_option("--retries", o.retries, "retries of a failed call")
        ->check(CLI::Range(0, 20))
        ->capture_default_str();
    app.add_flag("--json", o.json, "print one JSON object on stdout");
    app.add_flag("--verbose,-v", o.verbose, "log requests and answers (secrets redacted)");
    app.add_flag("--quiet,-q", o.quiet, "print errors only");
    app.add_flag("--dry-run", o.dry_run, "print the signed request, send nothing");
}

api::ClientSettings client_settings(const CommonOptions& o) {
    if (!o.endpoint.empty() && !o.region.empty())
        throw usage_error("--endpoint and --region cannot be used together");
    api::ClientSettings settings;
    settings.endpoint = !o.endpoint.empty() ? net::parse_endpoint(o.endpoint)
                        : !o.region.empty() ? net::endpoint_for_region(o.region)
                                            : net::parse_endpoint(net::default_endpoint);
    settings.api_version = o.api_version;
    settings.format = o.format;
    std::transform(settings.format.begin(), settings.format.end(), settings.format.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    settings.method = o.method;
    std::transform(settings.method.begin(), settings.method.end(), settings.method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (o.form_body && settings.method != "POST")
        throw usage_error("--form-body needs --method POST");
    settings.form_body = o.form_body;
    settings.retry.max_retries = o.retries;
    return settings;
}

net::TransportOptions transport_options(const CommonOptions& o) {
    net::TransportOptions transport;
    transport.ca_file = o.ca_file;
    transport.connect_timeout =
        std::chrono::milliseconds(static_cast<long long>(o.connect_timeout_s * 1000));
    transport.request_timeout =
        std::chrono::milliseconds(static_cast<long long>(o.request_timeout_s * 1000));
    transport.user_agent = std::string("verifysdk/") + VERIFYSDK_VERSION;
    return transport;
}

auth::Credentials load_credentials(const CommonOptions& o, const Log& log) {
    auth::Credentials credentials =
        auth::resolve_credentials({o.profile}, auth::process_environment(), log.warn);
    log.debug("credentials: AccessKeyId " + auth::redact_access_key_id(credentials.access_key_id) +
              " from " + credentials.source);
    return credentials;
}

} // namespace verifysdk::cli
