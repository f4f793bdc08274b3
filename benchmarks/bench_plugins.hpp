// The benchmarks' plugins: the real plugin files of the build, loaded once, and created with
// options given as text, as a recipe gives them.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "plugin_registry.hpp"
#include "recipe/plugin_options.hpp"

namespace lrq::bench {

inline const lrq::host::PluginRegistry& registry() {
  static const lrq::host::PluginRegistry plugins = [] {
    lrq::host::PluginRegistry loaded;
    loaded.load({LRQ_BENCHMARK_PLUGIN_DIRECTORY});
    return loaded;
  }();
  return plugins;
}

template <class Factory>
auto create(const std::shared_ptr<const Factory>& factory,
            const std::vector<std::pair<std::string, std::string>>& options = {}) {
  if (!factory) throw std::runtime_error("plugin missing in " LRQ_BENCHMARK_PLUGIN_DIRECTORY);
  lrq::host::PluginSelection selection{"benchmark", "", {"benchmark", 0, 0}, {}};
  for (const auto& [key, value] : options) {
    selection.options.push_back({key, value, "", {"benchmark", 0, 0}});
  }
  return factory->create(lrq::host::resolve_options(selection, factory->schema()));
}

}  // namespace lrq::bench
