#!/usr/bin/env bash
# Installs what building lrq needs and is missing (Debian 12 / Ubuntu packages). With --tests, also
# what the tests need: GoogleTest, Google Benchmark, clang with libc++ (for the fixture plugins built
# by another compiler than the host's), an aarch64 cross compiler (a plugin built for another
# machine), compiler-rt and LLVM's OpenMP (libFuzzer, ASan and UBSan for scripts/fuzz.sh),
# Python's safetensors, numpy and ml_dtypes, and on Debian
# Chromium (the HTML report's browser test; Ubuntu's chromium is a snap, so there the test skips).
set -euo pipefail

packages=(g++ cmake ninja-build pkg-config libboost-dev libboost-program-options-dev
          libeigen3-dev libyaml-cpp-dev nlohmann-json3-dev libre2-dev)
with_tests=false
if [[ "${1:-}" == "--tests" ]]; then
  with_tests=true
  packages+=(libgtest-dev libbenchmark-dev clang libclang-rt-dev libomp-dev libc++-dev libc++abi-dev
             python3 python3-pip)
  if grep -qx 'ID=debian' /etc/os-release; then
    packages+=(chromium)
  else
    echo "not installing chromium (a snap outside Debian): the HTML report's browser test will skip"
  fi
  # A cross compiler for the fixture plugin built for another CPU architecture.
  if [[ $(uname -m) == x86_64 ]]; then packages+=(g++-aarch64-linux-gnu); fi
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

if $with_tests && ! python3 -c "import safetensors, numpy, ml_dtypes" 2>/dev/null; then
  echo "installing Python packages: safetensors numpy ml_dtypes"
  python3 -m pip install --quiet --disable-pip-version-check safetensors numpy ml_dtypes 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check --user --break-system-packages \
      safetensors numpy ml_dtypes
fi
