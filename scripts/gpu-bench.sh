#!/usr/bin/env bash
# The speed figures of the GPU machine: `lrq-host bench` of a generated workload (README,
# "Profiling and benchmarks") for fp8 `original`, int8 block-128 `original` and fp8
# round-to-nearest (and fp8 gptq with the activation statistics in $STATS) on the GPU backends,
# each bench with the I/O floor of its own run. The full
# tables go to $OUT/bench-<tag>-<workload>.txt, a short summary per case to standard output.
# Usage (repository root): scripts/gpu-bench.sh BUILD_DIR TAG [WORKLOAD] [REPEAT] [CASE...]
#   CASE: fp8-original, int8-original, fp8-rtn (default: these three) or fp8-gptq; BACKENDS (environment)
#   overrides the backends, default cuda,cublaslt; SETS (environment) adds `--set` values to every
#   case, e.g. SETS=backend.devices=0,0 for two workers on one GPU.
set -euo pipefail
build=$1
tag=$2
workload=${3:-flux-block}
repeat=${4:-3}
shift $(($# < 4 ? $# : 4))
cases=("$@")
[[ ${#cases[@]} -gt 0 ]] || cases=(fp8-original int8-original fp8-rtn)
sets=()
for set in ${SETS:-}; do sets+=(--set "$set"); done
log=${OUT:-/tmp}/bench-$tag-$workload.txt
work=${LRQ_BENCH_WORK:-/tmp/lrq-bench}
for case in "${cases[@]}"; do
  case $case in
    fp8-original) arguments=(--format fp8 --optimizer original) ;;
    int8-original) arguments=(--format int8_block --optimizer original --set format.scale=block
                              --set format.block_size=128) ;;
    fp8-rtn) arguments=(--format fp8 --optimizer rtn) ;;
    fp8-gptq) arguments=(--format fp8 --optimizer gptq --set "calibration.stats=$STATS") ;;
    *) echo "unknown case '$case'" >&2; exit 2 ;;
  esac
  echo "== $tag $workload $case" | tee -a "$log"
  "$build/bin/lrq-host" bench "$workload" --work "$work" --repeat "$repeat" \
    --backends "${BACKENDS:-cuda,cublaslt}" "${arguments[@]}" "${sets[@]}" 2>&1 | tee -a "$log" |
    grep -E '^I/O floor|^ +(cuda|cpu|cublaslt)|wall time|x I/O floor|^    (svd|optimize|quantize|evaluate|write) |TFLOP|peak' || true
done
