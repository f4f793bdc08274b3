#include "pipeline/quantization_routes.hpp"

#include "lrq/error.hpp"
#include "pipeline/heuristics.hpp"
#include "pipeline/plugin_creation.hpp"

namespace lrq::host {
namespace {

template <class Interface, class Product>
ConfiguredPlugin<Interface> configured(Created<Product> created, const PluginSelection& selection) {
  return {std::move(created.object), selection.name, std::move(created.label),
          std::move(created.options)};
}

Created<Format> create_format(const PluginSelection& selection, const PluginRegistry& registry) {
  return create_from(registry.format(selection.name), selection, PluginKind::format, registry);
}

Created<Optimizer> create_optimizer(const PluginSelection& selection,
                                    const PluginRegistry& registry) {
  return create_from(registry.optimizer(selection.name), selection, PluginKind::optimizer,
                     registry);
}

// The route's optimizer, with what the conversion must know of it.
void set_optimizer(QuantizationRoute& route, const PluginSelection& selection, const Recipe& recipe,
                   const PluginRegistry& registry) {
  route.optimizer = configured<Optimizer>(create_optimizer(selection, registry), selection);
  route.data_aware = registry.optimizer(selection.name)->requires_input_statistics();
  route.round_to_nearest = selection.name == "rtn";
  if (route.data_aware && recipe.calibration.stats.empty()) {
    throw Error(ErrorCategory::recipe,
                section_origin(selection) +
                    ": needs activation statistics: set calibration.stats (or --set "
                    "calibration.stats=FILE) to a file recorded with lrq_capture "
                    "(docs/activation-stats.md)");
  }
}

std::shared_ptr<const QuantizationRoute> route_of(const LayerOverride& rule, const Recipe& recipe,
                                                  const QuantizationRoute& primary,
                                                  const PluginRegistry& registry) {
  if (rule.skip) return nullptr;
  QuantizationRoute route = primary;
  if (rule.format) {
    route.format = configured<const Format>(
        create_format(inherited(*rule.format, recipe.format), registry), *rule.format);
  }
  if (rule.optimizer) {
    const PluginSelection merged = inherited(*rule.optimizer, recipe.optimizer);
    set_optimizer(route, merged, recipe, registry);
  }
  return std::make_shared<const QuantizationRoute>(std::move(route));
}

}  // namespace

std::string QuantizationRoute::label() const {
  return format.label + " / " + optimizer.label;
}

QuantizationRoutes configure_routes(const Recipe& recipe, const PluginRegistry& registry) {
  QuantizationRoute primary{
      configured<const Format>(create_format(recipe.format, registry), recipe.format), {}};
  set_optimizer(primary, recipe.optimizer, recipe, registry);
  QuantizationRoutes routes;
  routes.primary = std::make_shared<const QuantizationRoute>(primary);
  for (const LayerOverride& rule : recipe.overrides) {
    routes.overrides.push_back({rule, route_of(rule, recipe, primary, registry)});
  }
  if (recipe.heuristics)
    routes.heuristic_block = heuristic_block_size(recipe, primary.format.options);
  return routes;
}

}  // namespace lrq::host
