#!/usr/bin/env bash
# Build lrq on the GPU machine and run the backend conformance suite there.
# Usage (repository root): scripts/gpu-check.sh [--build-only] [BUILD_DIR]
# Expects .devdeps/deps.tar.xz, the usr/ tree of the Debian 12 packages that machine lacks (unpacked
# by dpkg -x): Boost's headers and static program_options, and RE2's headers and static libre2.a
# (`apt-get download libre2-9 libre2-dev`).
set -euo pipefail
build_only=false
if [[ ${1:-} == --build-only ]]; then build_only=true; shift; fi
build=${1:-build-device}
log=${OUT:-/tmp}
mkdir -p /tmp/deps
tar xJf .devdeps/deps.tar.xz -C /tmp/deps
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
  -DBoost_DIR=/tmp/deps/lib/x86_64-linux-gnu/cmake/Boost-1.74.0 -DBoost_USE_STATIC_LIBS=ON \
  -DRE2_ROOT=/tmp/deps -DRE2_USE_STATIC_LIBS=ON \
  -DPython3_EXECUTABLE="$(command -v python3)" -DLRQ_WARNINGS_AS_ERRORS=OFF >"$log/configure.log"
cmake --build "$build" -j "$(nproc)" >"$log/build.log" 2>&1 || { tail -40 "$log/build.log"; exit 1; }
if $build_only; then exit 0; fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
ctest --test-dir "$build" -j 8 --output-on-failure -R 'cuda|cublaslt|Cuda|Gpu' >"$log/ctest-gpu.log" 2>&1 || true
grep -E "tests passed|tests failed|Skipped" "$log/ctest-gpu.log" | tail -5
ctest --test-dir "$build" -j 8 --output-on-failure >"$log/ctest-all.log" 2>&1 || true
grep -E "tests passed|tests failed|\(Failed\)" "$log/ctest-all.log" | tail -15
