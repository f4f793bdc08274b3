#!/usr/bin/env bash
# The SDK as a third party gets it. Installs a build of lrq (default build/) into a temporary
# prefix; builds, from copies outside the source tree and with nothing but that prefix, the two
# examples of examples/out-of-tree-plugin and the backend conformance consumer of
# tests/sdk/backend_conformance; checks that the installed lrq-host lists the example plugins;
# converts the example model with them and checks the result with numpy
# (tests/sdk/check_examples.py); checks lrq.pc; runs the installed conformance suite on the
# installed cpu backend. Usage: scripts/check-sdk.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=$(realpath "${1:-build}")
work=$(realpath "$(mktemp -d)")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
host=$prefix/bin/lrq-host

echo "== cmake --install $build_dir --prefix $prefix"
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
libdir=$(dirname "$(find "$prefix" -name liblrq_core.so)")  # lib, or lib/<multiarch> under /usr
cp -r examples/out-of-tree-plugin "$work/examples"
cp -r tests/sdk/backend_conformance "$work/conformance"

generator=()
if command -v ninja >/dev/null; then generator=(-G Ninja); fi
build_outside() {  # <source directory> <build directory>
  echo "== building $1 against $prefix"
  cmake -S "$1" -B "$2" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
  cmake --build "$2" --parallel "$(nproc)" >/dev/null
}
build_outside "$work/examples/fp8-clip-format" "$work/build-format"
build_outside "$work/examples/acme-model-profile" "$work/build-profile"
build_outside "$work/conformance" "$work/build-conformance"
format_plugins=$work/build-format/lib/lrq/plugins
profile_plugins=$work/build-profile/lib/lrq/plugins

echo "== LRQ_PLUGIN_PATH=<the examples' plugin directories> lrq-host plugins"
export LRQ_PLUGIN_PATH=$format_plugins:$profile_plugins
"$host" plugins
"$host" plugins --json | python3 -c '
import json, sys
listing = json.load(sys.stdin)
paths = {(plugin["kind"], plugin["name"]): plugin["path"] for plugin in listing["plugins"]}
for kind, name, directory in [("format", "fp8_clip", sys.argv[1]), ("model", "acme", sys.argv[2]),
                              ("backend", "cpu", sys.argv[3]), ("optimizer", "rtn", sys.argv[3])]:
    if not paths.get((kind, name), "").startswith(directory + "/"):
        sys.exit(f"FAILED: lrq-host plugins lists no {kind} {name} from {directory}")
if listing["rejected"]:
    sys.exit(f"FAILED: plugin files rejected: {listing['rejected']}")
' "$format_plugins" "$profile_plugins" "$(dirname "$(find "$prefix" -name liblrq-backend-cpu.so)")"
unset LRQ_PLUGIN_PATH

echo "== converting the Acme model with fp8_clip and acme"
python3 tests/sdk/check_examples.py --host "$host" --plugin-dir "$format_plugins" \
  --plugin-dir "$profile_plugins" --recipe "$work/examples/acme-fp8-clip.yaml" \
  --work "$work/conversion"

echo "== a program built with pkg-config's flags for lrq"
printf '#include "lrq/abi.hpp"\n#include "lrq/plugin.hpp"\n#include <cstring>\nint main() {\n%s\n}\n' \
  '  return std::strcmp(lrq::host_toolchain_fingerprint(), LRQ_TOOLCHAIN_FINGERPRINT) != 0;' \
  >"$work/pkg_config_check.cpp"
read -ra pkg_config_flags < <(PKG_CONFIG_PATH=$libdir/pkgconfig pkg-config --cflags --libs lrq)
c++ -std=c++20 "$work/pkg_config_check.cpp" "${pkg_config_flags[@]}" -o "$work/pkg_config_check"
LD_LIBRARY_PATH=$libdir "$work/pkg_config_check"
echo "same toolchain fingerprint as the installed liblrq_core"

echo "== the installed backend conformance suite on the installed cpu backend"
LRQ_CONFORMANCE_BACKENDS=cpu "$work/build-conformance/backend_conformance" --gtest_brief=1
