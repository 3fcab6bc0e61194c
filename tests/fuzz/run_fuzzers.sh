#!/usr/bin/env bash
# Runs every libFuzzer target of a `fuzz` build for a bounded time and fails on
# any finding (crash, sanitizer report, failed property, leak, timeout, OOM).
#
# Usage: tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS [--markdown FILE] [--only a,b]
#   BUILD_DIR   a build configured with the `fuzz` preset (build/fuzz)
#   SECONDS     -max_total_time per target
#   --markdown  also write the figures as a Markdown table to FILE
#   --only      run only these targets (names without the fuzz_ prefix)
#
# Each target fuzzes a COPY of tests/fuzz/corpus/<target>/ in a temporary
# folder (the committed seeds never grow), with tests/fuzz/dict/<target>.dict
# when there is one. Inputs that fail are kept in BUILD_DIR/fuzz-findings/
# <target>/ and printed in base64; reproduce one with
#   BUILD_DIR/tests/fuzz/fuzz_<target> BUILD_DIR/fuzz-findings/<target>/crash-...
# and turn it into a unit test in tests/unit/<unit>_test.cpp.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
usage() { sed -n '4,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

(($# >= 2)) || usage
build_arg="$1"
build="$(cd "$1" && pwd)"
seconds="$2"
shift 2
markdown="" only=""
while (($#)); do
  case "$1" in
    --markdown) markdown="$2"; shift 2 ;;
    --only) only=",$2,"; shift 2 ;;
    *) usage ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

list="$build/tests/fuzz/fuzz_targets.txt"
if [[ ! -f "$list" ]]; then
  echo "run_fuzzers.sh: $list is missing: configure $build with the fuzz preset" \
       "(clang, VERIFYSDK_FUZZ=ON)" >&2
  exit 2
fi
mapfile -t targets < <(grep -v '^$' "$list")

# Scratch on tmpfs when there is one: the targets write files every run (the
# manifest writer even fsyncs), which a disk would make the bottleneck.
scratch_base="${TMPDIR:-/tmp}"
[[ -d /dev/shm && -w /dev/shm ]] && scratch_base=/dev/shm
work="$(mktemp -d "$scratch_base/verifysdk-fuzz-run.XXXXXX")"
trap 'rm -rf "$work"' EXIT

findings="$build/fuzz-findings"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}halt_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1"
# Readable stack traces: Debian installs llvm-symbolizer under a versioned name.
if [[ -z "${ASAN_SYMBOLIZER_PATH:-}" ]] && ! command -v llvm-symbolizer >/dev/null; then
  for symbolizer in /usr/lib/llvm-*/bin/llvm-symbolizer; do
    [[ -x "$symbolizer" ]] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
  done
fi

load() { cut -d' ' -f1-3 /proc/loadavg; }
load_start="$(load)"
started=$SECONDS
rows=() failed=()
total_execs=0

for target in "${targets[@]}"; do
  [[ -z "$only" || "$only" == *",$target,"* ]] || continue
  exe="$build/tests/fuzz/fuzz_$target"
  seeds="$here/corpus/$target"
  if [[ ! -x "$exe" ]]; then
    echo "run_fuzzers.sh: $exe is not built (cmake --build --preset fuzz)" >&2
    failed+=("$target (not built)")
    rows+=("| \`$target\` | - | - | - | - | not built |")
    continue
  fi
  corpus="$work/corpus/$target"
  mkdir -p "$corpus" "$work/tmp/$target"
  if [[ -d "$seeds" ]]; then cp -R "$seeds/." "$corpus/"; fi
  seed_count=$(find "$corpus" -type f | wc -l)
  rm -rf "$findings/$target"
  mkdir -p "$findings/$target"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$findings/$target/")
  [[ -f "$here/dict/$target.dict" ]] && args+=(-dict="$here/dict/$target.dict")
  log="$work/$target.log"

  echo "== fuzz_$target: ${seconds} s from $seed_count seeds"
  target_start=$SECONDS
  status=0
  # TMPDIR: the targets' own scratch folders land in the run's folder too.
  TMPDIR="$work/tmp/$target" timeout --kill-after=30 $((seconds + 120)) \
    "$exe" "${args[@]}" "$corpus" >"$log" 2>&1 || status=$?
  elapsed=$((SECONDS - target_start))

  execs="$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)"
  if [[ -z "$execs" ]]; then # killed before the final stats: the last status line
    execs="$(sed -n 's/^#\([0-9][0-9]*\)[[:space:]].*/\1/p' "$log" | tail -1)"
  fi
  execs="${execs:-0}"
  total_execs=$((total_execs + execs))
  final_count=$(find "$corpus" -type f | wc -l)
  mapfile -t artifacts < <(find "$findings/$target" -type f | sort)
  rate=$((elapsed > 0 ? execs / elapsed : execs))
  result="none"
  if ((status != 0 || ${#artifacts[@]} > 0)); then
    result="**${#artifacts[@]} (exit $status)**"
    failed+=("$target")
    echo "-- fuzz_$target FAILED (exit $status); the end of its log:"
    tail -n 60 "$log"
    for artifact in "${artifacts[@]}"; do
      echo "-- finding $artifact ($(stat -c %s "$artifact") bytes), base64:"
      head -c 4096 "$artifact" | base64
    done
  else
    rm -rf "$findings/$target"
  fi
  echo "   $execs executions in ${elapsed} s (~$rate/s), corpus $seed_count -> $final_count," \
       "findings: ${#artifacts[@]}"
  rows+=("| \`$target\` | $elapsed | $execs | $rate | $seed_count → $final_count | $result |")
done
rmdir "$findings" 2>/dev/null || true

total=$((SECONDS - started))
load_end="$(load)"
table="$(
  echo "| target | seconds | executions | executions/s | corpus (seeds → after run) | crashes |"
  echo "|---|---:|---:|---:|---|---|"
  printf '%s\n' "${rows[@]}"
)"
echo
echo "$table"
echo
echo "total: $total s, $total_execs executions; load average (1/5/15 min) $load_start at start," \
     "$load_end at end; $(nproc) CPUs"

if [[ -n "$markdown" ]]; then
  clang_version="$(clang++ --version 2>/dev/null | head -1 || true)"
  {
    echo "### Fuzzing: libFuzzer, ${seconds} s per target"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs, shared"
    echo "- command: \`tests/fuzz/run_fuzzers.sh $build_arg $seconds\` (\`fuzz\` preset: ${clang_version:-clang}," \
         "-fsanitize=fuzzer,address,undefined, RelWithDebInfo)"
    echo "- options: -max_total_time=$seconds -timeout=10 -rss_limit_mb=2048, seeds from" \
         "tests/fuzz/corpus/<target>/ (copied; the committed corpus never grows)"
    echo "- load average (1/5/15 min): $load_start at start, $load_end at end;" \
         "total $total s, $total_execs executions"
    echo
    echo "$table"
  } >"$markdown"
  echo "figures written to $markdown"
fi

if ((${#failed[@]})); then
  echo "run_fuzzers.sh: findings in: ${failed[*]}" >&2
  exit 1
fi
echo "run_fuzzers.sh: no findings in ${#rows[@]} targets"
