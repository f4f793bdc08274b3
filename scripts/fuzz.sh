#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang, AddressSanitizer and UndefinedBehavior-
# Sanitizer in their own build directory, and runs each for a while, JOBS at a time, starting from
# the seed corpus (tests/fuzz/corpus/<target>). Prints the executions per target and fails on any
# finding: a crash, a sanitizer report, a leak, a slow input or an exception other than lrq::Error;
# the inputs that caused them are kept in the findings directory.
#
#   scripts/fuzz.sh [-t SECONDS] [-j JOBS] [-B BUILD_DIR] [--unit-tests] [TARGET...]
#
#   -t SECONDS    per target (default 60)
#   -j JOBS       targets run at once (default: the number of CPUs)
#   -B BUILD_DIR  default build-fuzz
#   --unit-tests  also build and run unit_core in the same build, the tests that CI runs under
#                 the sanitizers (README, "Testing with sanitizers and fuzzers")
#   TARGET        e.g. recipe or fuzz_recipe; default all
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
jobs=$(nproc)
build_dir=build-fuzz
unit_tests=false
targets=()
while (($#)); do
  case "$1" in
    -t) seconds="$2"; shift 2 ;;
    -j) jobs="$2"; shift 2 ;;
    -B) build_dir="$2"; shift 2 ;;
    --unit-tests) unit_tests=true; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("${1#fuzz_}"); shift ;;
  esac
done
all_targets=(safetensors_header safetensors_file shard_index recipe recipe_set comfy_quant
             quantization_metadata activation_stats)
((${#targets[@]})) || targets=("${all_targets[@]}")

# The compiler is chosen once, when the build directory is made: naming another spelling of it
# later would make CMake start the directory afresh.
compiler=()
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  clang=$(command -v clang++ || command -v clang++-14 || true)
  if [[ -z "$clang" ]]; then
    echo "fuzz.sh: clang++ not found (scripts/install-deps.sh --tests installs it)" >&2
    exit 2
  fi
  compiler=(-DCMAKE_CXX_COMPILER="$clang")
  if command -v ccache >/dev/null; then compiler+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
fi
# -O1 -g: fast enough to fuzz, quick to build, readable stacks; assertions stay on.
cmake -S . -B "$build_dir" -G Ninja "${compiler[@]}" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DLRQ_BUILD_FUZZERS=ON -DLRQ_BUILD_BENCHMARKS=OFF \
  -DLRQ_WITH_CUDA=OFF >/dev/null
build_targets=("${targets[@]/#/fuzz_}")
if $unit_tests; then build_targets+=(unit_core); fi
cmake --build "$build_dir" --parallel "$(nproc)" --target "${build_targets[@]}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
status=0
if $unit_tests; then
  # The subset and why: README, "Testing with sanitizers and fuzzers". The test of the writer's
  # and reader's speed is left out: it bounds the time of an optimized build.
  echo "== unit_core under ASan+UBSan"
  "$build_dir/bin/unit_core" --gtest_brief=1 \
    --gtest_filter=-SafetensorsWriterTest.ManyTensorsRoundTripQuickly || status=1
fi

findings="$build_dir/fuzz-findings"
logs="$build_dir/fuzz-logs"
work="$build_dir/fuzz-corpus"
mkdir -p "$findings" "$logs" "$work"
dictionary() {
  case "$1" in
    recipe|recipe_set) echo tests/fuzz/dict/recipe.dict ;;
    *) echo tests/fuzz/dict/json.dict ;;
  esac
}
run_target() {
  local target="$1" rc=0
  mkdir -p "$work/$target"
  rm -f "$findings/$target-"*
  # New inputs go to the working corpus in the build directory, never into the checked-in seeds.
  "$build_dir/bin/fuzz_$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
    -rss_limit_mb=2048 -dict="$(dictionary "$target")" -artifact_prefix="$findings/$target-" \
    "$work/$target" "tests/fuzz/corpus/$target" >"$logs/$target.log" 2>&1 || rc=$?
  echo "$rc" >"$logs/$target.rc"
}

echo "== fuzzing ${#targets[@]} targets for ${seconds} s each, $jobs at a time (logs: $logs)"
running=0
for target in "${targets[@]}"; do
  if ((running >= jobs)); then wait -n; running=$((running - 1)); fi
  run_target "$target" &
  running=$((running + 1))
done
wait
printf '%-24s %12s  %s\n' target executions result
for target in "${targets[@]}"; do
  rc=$(cat "$logs/$target.rc")
  result=ok
  if [[ "$rc" != 0 ]] || compgen -G "$findings/$target-*" >/dev/null; then
    result="FINDING (exit $rc)"
    status=1
  fi
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$target.log" | tail -1)
  printf '%-24s %12s  %s\n' "$target" "${executions:-?}" "$result"
  if [[ "$result" != ok ]]; then
    echo "--- the end of $logs/$target.log:"
    tail -40 "$logs/$target.log"
  fi
done
if ((status)); then echo "fuzz.sh: findings; the inputs are in $findings" >&2; fi
exit "$status"
