#!/usr/bin/env bash
# The first thing to run: see verifysdk put the Cloudauth offline SDK into an
# app's third_party/ folder as a step of the app's own CMake build.
#
#   examples/demo.sh [--fresh] [--generator NAME]
#
# It builds the verifysdk tool (build/dev, the "dev" preset), starts the local
# emulator of the Cloudauth service, builds examples/cmake-app in Release --
# a native library packed into an Android-style .apk, after which the
# VerifySDK module runs `verifysdk fetch` -- and shows what landed in
# examples/cmake-app/third_party/cloudauth-offline-sdk. Then it builds again
# to show that an unchanged app costs nothing.
#
# Everything stays on this machine: the emulator listens on 127.0.0.1, serves
# the built package to itself as the "published" app, and accepts the test
# credentials testid/testsecret, which this script sets for its own run only.
#
#   --fresh            delete the example's build folder and installed SDK first
#   --generator NAME   CMake generator for the example (default: Ninja if
#                      installed, else CMake's default)
# Environment:
#   VERIFYSDK=PATH     use this verifysdk instead of building build/dev/verifysdk
#   JOBS=N             parallel build jobs (default 2)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app_dir="$root/examples/cmake-app"
app_build="$app_dir/build"
sdk_dir="$app_dir/third_party/cloudauth-offline-sdk"
jobs="${JOBS:-2}"
fresh=0
generator=""
if command -v ninja >/dev/null 2>&1; then generator="Ninja"; fi

while [ $# -gt 0 ]; do
  case "$1" in
    --fresh) fresh=1 ;;
    --generator) generator="${2:?--generator needs a name}"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }

# A fresh machine gets the Debian packages it lacks (the same list tests/run.sh uses).
"$root/tests/install_dependencies.sh"

# --- 1. the tool ------------------------------------------------------------------
if [ -n "${VERIFYSDK:-}" ]; then
  tool="$VERIFYSDK"
  step "Using $tool"
else
  step "Building the verifysdk tool (build/dev)"
  if [ ! -f "$root/build/dev/CMakeCache.txt" ]; then
    (cd "$root" && cmake --preset dev)
  fi
  cmake --build "$root/build/dev" --target verifysdk --parallel "$jobs"
  tool="$root/build/dev/verifysdk"
fi
"$tool" --version

# --- 2. the emulator ----------------------------------------------------------------
if [ "$fresh" = 1 ]; then
  step "Removing the previous example build and SDK"
  rm -rf "$app_build" "$sdk_dir" "$app_dir/third_party/.verifysdk"
fi
mkdir -p "$app_build/outputs/apk"
work="$(mktemp -d "${TMPDIR:-/tmp}/verifysdk-demo.XXXXXX")"
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step "Starting the Cloudauth emulator"
python3 "$root/tests/emulator/cloudauth_emulator.py" \
  --port 0 --port-file "$work/port" \
  --serve-dir "$app_build/outputs/apk" \
  --generation-delay 1 \
  >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/port" ] && break
  if ! kill -0 "$emulator_pid" 2>/dev/null; then
    echo "demo.sh: the emulator did not start:" >&2
    cat "$work/emulator.log" >&2
    exit 1
  fi
  sleep 0.1
done
[ -s "$work/port" ] || { echo "demo.sh: the emulator did not start in 10 s" >&2; exit 1; }
port="$(cat "$work/port")"
endpoint="http://127.0.0.1:$port"
echo "listening on $endpoint; it serves $app_build/outputs/apk at $endpoint/files/"

export ALIBABA_CLOUD_ACCESS_KEY_ID=testid
export ALIBABA_CLOUD_ACCESS_KEY_SECRET=testsecret

calls() {
  python3 - "$endpoint/_emulator/stats" <<'EOF'
import json, sys, urllib.request
stats = json.load(urllib.request.urlopen(sys.argv[1], timeout=10))
actions = stats.get("actions", {})
print("emulator so far: %d CreateVerifySDK, %d DescribeVerifySDK, %d SDK downloads"
      % (actions.get("CreateVerifySDK", 0), actions.get("DescribeVerifySDK", 0),
         stats.get("downloads", {}).get("requests", 0)))
EOF
}

# --- 3. the app ---------------------------------------------------------------------
step "Configuring examples/cmake-app (Release)"
configure=(cmake -S "$app_dir" -B "$app_build"
  -DCMAKE_BUILD_TYPE=Release
  "-DVERIFYSDK_EXECUTABLE=$tool"
  "-DVERIFYSDK_ENDPOINT=$endpoint"
  "-DMYAPP_PUBLISH_URL=$endpoint/files")
if [ -n "$generator" ] && [ ! -f "$app_build/CMakeCache.txt" ]; then
  configure+=(-G "$generator")
fi
"${configure[@]}"

step "Building the app: the SDK is refreshed after the package is built"
cmake --build "$app_build" --parallel "$jobs"
calls

# --- 4. what landed -------------------------------------------------------------
apk="$(ls "$app_build"/outputs/apk/myapp-*-release.apk)"
step "The app package: $apk"
python3 -m zipfile -l "$apk"

step "The installed SDK: $sdk_dir"
python3 - "$sdk_dir" <<'EOF'
import os, sys
root = sys.argv[1]
for folder, dirs, files in sorted(os.walk(root)):
    dirs.sort()
    for name in sorted(files):
        path = os.path.join(folder, name)
        print("%10d  %s" % (os.path.getsize(path), os.path.relpath(path, root)))
EOF

step "Its manifest: verifysdk.lock.json"
python3 -m json.tool "$sdk_dir/verifysdk.lock.json"

step "Checking the installed SDK against its manifest (offline)"
"$tool" verify --dest "$sdk_dir"

# --- 5. nothing changed, nothing to do -------------------------------------------
step "Building again: the package is unchanged, so no call reaches the service"
cmake --build "$app_build" --parallel "$jobs"
calls

cat <<EOF

Done. Next:
  * change examples/cmake-app/src/face_gate.cpp and run this script again: the
    package changes, so the SDK is refreshed (a Debug build never refreshes);
  * examples/cmake-app/README.md explains the example, and the top of
    cmake/VerifySDK.cmake documents verifysdk_add_refresh() and its options.
EOF
