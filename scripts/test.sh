#!/usr/bin/env bash
# From a fresh clone: install what is missing (test tools included), build everything and run every
# test with ctest, in parallel; then check the SDK as a third party gets it: installed, with the
# examples and the backend conformance suite built against it from outside the tree. Last, in a
# clang build with ASan and UBSan (build-fuzz/), the unit tests, and each fuzz target for 30 s, two
# at a time (README, "Testing with sanitizers and fuzzers").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
# On Debian (CI) install-deps.sh installs chromium, so the HTML report's browser test must not skip.
if grep -qx 'ID=debian' /etc/os-release; then export LRQ_REQUIRE_CHROMIUM="${LRQ_REQUIRE_CHROMIUM:-1}"; fi
scripts/build.sh -DLRQ_BUILD_TESTS=ON
ctest --test-dir build --parallel "$(nproc)" --output-on-failure
scripts/check-sdk.sh build
scripts/fuzz.sh --unit-tests -t "${LRQ_FUZZ_SECONDS:-30}" -j 2
