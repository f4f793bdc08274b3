// Where the fixture plugins of tests/fixtures/plugins are (those built by clang too), filters that
// pick some of them, and the plugins the planning tests use.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrq/abi.hpp"
#include "plugin_registry.hpp"

namespace lrq::test {

inline const std::filesystem::path fixture_plugin_directory{LRQ_TEST_FIXTURE_PLUGIN_DIRECTORY};

// The fixture model profiles alpha and beta (tests/fixtures/plugins/profiles).
inline const std::filesystem::path fixture_profile_directory =
    fixture_plugin_directory / "profiles";

inline std::filesystem::path fixture_plugin(const std::string& name,
                                            const std::string& kind = "format") {
  return fixture_plugin_directory / ("liblrq-" + kind + "-" + name + ".so");
}

// The compiler named in the host's toolchain fingerprint, e.g. "gcc-12.2.0".
inline std::string host_compiler() {
  const std::string fingerprint = host_toolchain_fingerprint();
  const std::size_t start = fingerprint.find('=') + 1;
  return fingerprint.substr(start, fingerprint.find(';') - start);
}

// The fixture plugins built by clang++ (tests/fixtures/plugins/ClangPlugins.cmake): "good" against
// libstdc++ and, where clang++ could build against libc++, "libcxx" against it.
inline const std::filesystem::path clang_fixture_plugin_directory =
    fixture_plugin_directory / "clang";
// That clang++ as the toolchain fingerprint names it, e.g. "clang-14.0.6"; empty when CMake found
// none, and the reason the tests that need it give for skipping.
inline const std::string clang_fixture_compiler = LRQ_TEST_CLANG;
inline constexpr const char* no_clang_fixtures =
    "clang++ was not found when CMake configured this build, so no fixture plugin was built by "
    "clang (install clang, e.g. with scripts/install-deps.sh --tests, and reconfigure)";
inline constexpr bool clang_fixture_against_libcxx = LRQ_TEST_LIBCXX;

// Accepts the plugin files liblrq-<kind>-<name>.so of the given names.
inline host::PluginFilter only(std::vector<std::string> names, std::string kind = "format") {
  return [names = std::move(names), kind = std::move(kind)](std::string_view file_kind,
                                                            std::string_view name) {
    return file_kind == kind && std::find(names.begin(), names.end(), name) != names.end();
  };
}

// The generic profile and the fixture profiles alpha and beta (which recognise keys under "alpha."
// and "beta."), the formats fp8 and int8_block, the optimizers rtn and original; nothing else, so
// that profile selection does not depend on which other profiles are built.
inline const host::PluginRegistry& planning_plugins() {
  static const host::PluginRegistry registry = [] {
    const std::vector<std::pair<std::string_view, std::string_view>> wanted = {
        {"model", "generic"},     {"model", "alpha"},   {"model", "beta"},        {"format", "fp8"},
        {"format", "int8_block"}, {"optimizer", "rtn"}, {"optimizer", "original"}};
    host::PluginRegistry loaded;
    loaded.load(
        {LRQ_TEST_PLUGIN_DIRECTORY, fixture_profile_directory},
        [&wanted](std::string_view kind, std::string_view name) {
          return std::find(wanted.begin(), wanted.end(), std::pair{kind, name}) != wanted.end();
        });
    return loaded;
  }();
  return registry;
}

}  // namespace lrq::test
