// Settings shared by every connection the tool opens.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace verifysdk::net {

struct TransportOptions {
    std::string ca_file;                          // extra CA bundle, added to the system's
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds request_timeout{60'000}; // API calls, whole exchange
    std::chrono::milliseconds stall_timeout{60'000};   // downloads: abort below 1 byte/s this long
    std::size_t max_response_bytes = 1u << 20;         // API answers larger than 1 MiB are refused
    std::string user_agent;
};

} // namespace verifysdk::net
