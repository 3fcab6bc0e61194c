#include "face_gate.hpp"

namespace myapp {

namespace {
constexpr int kMinimumLiveness = 70;
}  // namespace

GateDecision decide_offline_check(const std::string& sdk_version, int liveness_score) {
  if (sdk_version.empty()) {
    return {false, "the Cloudauth offline SDK is not installed"};
  }
  if (liveness_score < kMinimumLiveness) {
    return {false, "liveness score below " + std::to_string(kMinimumLiveness)};
  }
  return {true, "ok"};
}

std::string describe_build() {
  return "myapp native library " MYAPP_VERSION;
}

}  // namespace myapp

// The entry point the app's Java/Kotlin side would call through JNI.
extern "C" int myapp_offline_check_allowed(const char* sdk_version, int liveness_score) {
  return myapp::decide_offline_check(sdk_version ? sdk_version : "", liveness_score).allowed ? 1 : 0;
}
