#!/usr/bin/env bash
# From a fresh clone: install what is missing, build, generate the example model (tiny-flux) and
# convert it with configs/example-fp8.yaml. Prints the per-layer summary and the output's path.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DLRQ_BUILD_TESTS=OFF
mkdir -p build/examples
build/bin/lrq-host generate tiny-flux --output build/examples/tiny-flux.safetensors
build/bin/lrq-host run configs/example-fp8.yaml --overwrite
