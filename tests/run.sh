#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks, builds, and runs every test.
# Usage: tests/run.sh [--preset dev|ci|asan]   (default: ci, warnings as errors)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
preset="ci"
if [[ "${1:-}" == "--preset" ]]; then preset="$2"; fi

"$here/tests/install_dependencies.sh"

cd "$here"
cmake --preset "$preset"
cmake --build --preset "$preset" -j "$(nproc)"
ctest --preset "$preset" -j "$(nproc)" --timeout 900
