// Where the fixture plugins of tests/fixtures/plugins are, and filters that pick some of them.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "plugin_registry.hpp"

namespace lrq::test {

inline const std::filesystem::path fixture_plugin_directory{LRQ_TEST_FIXTURE_PLUGIN_DIRECTORY};

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

}  // namespace lrq::test
