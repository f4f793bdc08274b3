#!/usr/bin/env bash
# Configures and builds lrq into ./build (Release, every core). Arguments go to CMake, e.g.
# -DLRQ_BUILD_TESTS=OFF.
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
if [[ ! -f build/CMakeCache.txt ]] && command -v ninja >/dev/null; then generator=(-G Ninja); fi
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build --parallel "$(nproc)"
