#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks, builds, and runs every test.
# Usage: tests/run.sh [--preset dev|ci|asan]   (default: ci, warnings as errors)
#
# After that run, two more stages (CI runs both):
#   asan  the `asan` preset (GCC, address + undefined-behaviour sanitizers):
#         unit, integration and emulator tests; any sanitizer report fails.
#   fuzz  the `fuzz` preset (clang, libFuzzer): each target of tests/fuzz for
#         VERIFYSDK_FUZZ_SECONDS (default 30) seconds; any finding fails.
# For local speed: VERIFYSDK_SKIP_ASAN=1 and/or VERIFYSDK_SKIP_FUZZ=1 (ignored
# when CI=true).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
preset="ci"
if [[ "${1:-}" == "--preset" ]]; then preset="$2"; fi

skip_asan="${VERIFYSDK_SKIP_ASAN:-0}"
skip_fuzz="${VERIFYSDK_SKIP_FUZZ:-0}"
if [[ "${CI:-}" == "true" && ("$skip_asan" == 1 || "$skip_fuzz" == 1) ]]; then
  echo "run.sh: CI=true: VERIFYSDK_SKIP_ASAN/VERIFYSDK_SKIP_FUZZ ignored, every stage runs"
  skip_asan=0 skip_fuzz=0
fi
# --preset asan already runs everything under the sanitizers.
[[ "$preset" == asan ]] && skip_asan=1

"$here/tests/install_dependencies.sh"

cd "$here"
timings=()
stage_start=$SECONDS
stage_done() { timings+=("$1: $((SECONDS - stage_start)) s"); stage_start=$SECONDS; }

cmake --preset "$preset"
cmake --build --preset "$preset" -j "$(nproc)"
stage_done "$preset build"
ctest --preset "$preset" -j "$(nproc)" --timeout 900
stage_done "$preset tests"

if [[ "$skip_asan" != 1 ]]; then
  echo "== asan: unit, integration and emulator tests under AddressSanitizer + UBSan"
  cmake --preset asan
  cmake --build --preset asan -j "$(nproc)"
  stage_done "asan build"
  # Every instrumented process (tests, the tool run by the Python tests, their
  # children) writes ASan/LSan reports to files here, so that a report from a
  # process whose exit status nobody checks still fails the run. UBSan (GCC)
  # always prints to stderr; -fno-sanitize-recover=all (the preset) makes any
  # UB finding abort with a failing exit status.
  reports="$here/build/asan/sanitizer-reports"
  rm -rf "$reports"
  mkdir -p "$reports"
  asan_status=0
  ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:log_path=$reports/asan" \
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
    ctest --preset asan -L "unit|integration|emulator" -j "$(nproc)" --timeout 900 \
    || asan_status=$?
  stage_done "asan tests"
  if compgen -G "$reports/*" >/dev/null; then
    for report in "$reports"/*; do
      echo "== sanitizer report $report"
      cat "$report"
    done
    echo "run.sh: the asan stage produced sanitizer reports (above)" >&2
    exit 1
  fi
  ((asan_status == 0)) || exit "$asan_status"
fi

if [[ "$skip_fuzz" != 1 ]]; then
  echo "== fuzz: libFuzzer targets, ${VERIFYSDK_FUZZ_SECONDS:-30} s each"
  cmake --preset fuzz
  cmake --build --preset fuzz -j "$(nproc)"
  stage_done "fuzz build"
  tests/fuzz/run_fuzzers.sh build/fuzz "${VERIFYSDK_FUZZ_SECONDS:-30}" \
    --markdown build/fuzz/fuzz-figures.md
  stage_done "fuzz run"
fi

echo "run.sh: stage times: $(IFS=';'; echo "${timings[*]}" | sed 's/;/; /g');" \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
