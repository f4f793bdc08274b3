// The formats and optimizers a recipe quantizes with: the top-level pair, and the pair of each
// override rule. Each object is created once, when the recipe is configured.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lrq/format.hpp"
#include "lrq/optimizer.hpp"
#include "plugin_registry.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

template <class Interface>
struct ConfiguredPlugin {
  std::shared_ptr<Interface> object;
  std::string name;   // the plugin's: "fp8"
  std::string label;  // with its options: "fp8(scale=row)"
  Options options{};  // complete, defaults filled in
};

// What quantizes a layer.
struct QuantizationRoute {
  ConfiguredPlugin<const Format> format;
  ConfiguredPlugin<Optimizer> optimizer;
  // The optimizer needs activation statistics (OptimizerFactory::requires_input_statistics).
  bool data_aware = false;
  // The optimizer is plain round-to-nearest (the rtn plugin): nothing learned to judge.
  bool round_to_nearest = false;

  std::string label() const;  // "fp8(scale=row) / original"
};

struct OverrideRoute {
  LayerOverride rule;
  std::shared_ptr<const QuantizationRoute> route;  // null: the rule skips its layers
};

struct QuantizationRoutes {
  std::shared_ptr<const QuantizationRoute> primary;  // the recipe's format and optimizer
  std::vector<OverrideRoute> overrides;              // in recipe order
  std::int64_t heuristic_block = 0;                  // B of the heuristics; 0: heuristics off
};

// A rule's format or optimizer takes the plugin's defaults for the options it does not give, or,
// when it names the same plugin as the recipe's top-level section, that section's options. Throws
// lrq::Error naming the section's location (recipe: unknown plugin or option, no heuristic block
// size, or a data-aware optimizer without calibration.stats; plugin: the plugin file was
// rejected).
QuantizationRoutes configure_routes(const Recipe& recipe, const PluginRegistry& registry);

}  // namespace lrq::host
