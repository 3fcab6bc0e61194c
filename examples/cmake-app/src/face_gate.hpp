// The native part of the example app: decides whether a face check may run
// offline, from what the installed Cloudauth offline SDK reports.
#pragma once

#include <string>

namespace myapp {

struct GateDecision {
  bool allowed;
  std::string reason;
};

// `sdk_version` is the version the SDK reports ("" when no SDK is installed);
// `liveness_score` is the last liveness score, from 0 to 100.
GateDecision decide_offline_check(const std::string& sdk_version, int liveness_score);

// The text the app shows about the SDK it was built against.
std::string describe_build();

}  // namespace myapp
