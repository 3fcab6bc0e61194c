#!/usr/bin/env bash
# Installs the Debian packages that building and testing verifysdk need,
# only those missing (idempotent). Used by tests/run.sh and examples/demo.sh.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libcurl4-openssl-dev libssl-dev libpugixml-dev nlohmann-json3-dev libcli11-dev
  libarchive-dev libarchive-tools googletest libgtest-dev libgmock-dev
  python3 openssl curl zip unzip gradle default-jdk-headless junit4 time
  clang libclang-rt-14-dev llvm-14  # fuzz preset: libFuzzer, sanitizers, llvm-symbolizer
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "install_dependencies.sh: installing ${missing[*]}"
  sudo=""; [[ "$(id -u)" != 0 ]] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

