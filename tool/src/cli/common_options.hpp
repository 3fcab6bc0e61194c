// Options every command shares, and what they turn into: the client settings,
// the transport, the credentials.
#pragma once

#include "api/cloudauth_client.hpp"
#include "auth/credentials.hpp"
#include "net/transport_options.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace verifysdk::cli {

struct CommonOptions {
    std::string endpoint;
    std::string region;
    std::string api_version = api::default_api_version;
    std::string format = "json";
    std::string method = "POST";
    bool form_body = false;
    std::string profile;
    std::string ca_file;
    double connect_timeout_s = 10;
    double request_timeout_s = 60;
    int retries = 4;
    bool json = false;
    bool verbose = false;
    bool quiet = false;
    bool dry_run = false;
};

void add_common_options(CLI::App& app, CommonOptions& options);

api::ClientSettings client_settings(const CommonOptions& options);
net::TransportOptions transport_options(const CommonOptions& options);
auth::Credentials load_credentials(const CommonOptions& options, const Log& log);

} // namespace verifysdk::cli
