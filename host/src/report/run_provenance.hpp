// The provenance of a run for its report: which lrq, which seed, and which plugins at which
// versions made the output.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "plugin_registry.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

// "lrq.version", "lrq.seed", then "lrq.plugin.<kind>.<name>" -> the plugin library's version for
// the recipe's format, optimizer, `model` (the profile chosen) and backend and the overrides'
// formats and optimizers.
std::vector<std::pair<std::string, std::string>> run_provenance(const Recipe& recipe,
                                                                const PluginRegistry& registry,
                                                                const std::string& model);

}  // namespace lrq::host
