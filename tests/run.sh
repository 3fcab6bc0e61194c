#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks, builds, and runs every test.
# Usage: tests/run.sh [--preset dev|ci|asan]   (default: ci, warnings as errors)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
preset="ci"
if [[ "${1:-}" == "--preset" ]]; then preset="$2"; fi

packages=(
  build-essential cmake ninja-build pkg-config git
  libcurl4-openssl-dev libssl-dev libpugixml-dev nlohmann-json3-dev libcli11-dev
  libarchive-dev libarchive-tools googletest libgtest-dev libgmock-dev
  python3 openssl curl zip unzip gradle default-jdk-headless junit4 time
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "tests/run.sh: installing ${missing[*]}"
  sudo=""; [[ "$(id -u)" != 0 ]] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

cd "$here"
cmake --preset "$preset"
cmake --build --preset "$preset" -j "$(nproc)"
ctest --preset "$preset" -j "$(nproc)" --timeout 900
