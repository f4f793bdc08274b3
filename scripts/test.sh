#!/usr/bin/env bash
# From a fresh clone: install what is missing (test tools included), build everything and run every
# test with ctest, in parallel.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
scripts/build.sh -DLRQ_BUILD_TESTS=ON
ctest --test-dir build --parallel "$(nproc)" --output-on-failure
