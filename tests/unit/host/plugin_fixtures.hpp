// Where the fixture plugins of tests/fixtures/plugins are, filters that pick some of them, and the
// plugins the planning tests use.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
