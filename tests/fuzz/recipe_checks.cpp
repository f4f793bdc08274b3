#include "recipe_checks.hpp"

#include <array>
#include <string>

#include "pipeline/quantization_routes.hpp"
#include "plugin_registry.hpp"
#include "recipe/recipe_json.hpp"

namespace lrq::fuzz {
namespace {

// The backends are left out: none is needed to configure routes, and loading one probes a device.
const host::PluginRegistry& registry() {
  static const host::PluginRegistry loaded = [] {
    host::PluginRegistry plugins;
    plugins.load({LRQ_FUZZ_PLUGIN_DIRECTORY},
                 [](std::string_view kind, std::string_view) { return kind != "backend"; });
    return plugins;
  }();
  return loaded;
}

}  // namespace

void check_recipe(const host::Recipe& recipe) {
  static const std::array<std::string, 3> layer_names = {
      "double_blocks.0.img_attn.qkv", "model.diffusion_model.final_layer.linear", ""};
  for (const host::LayerOverride& rule : recipe.overrides) {
    for (const std::string& name : layer_names)
      static_cast<void>(rule.matches(name));
  }
  static_cast<void>(host::resolved_recipe_json(recipe, registry()));
  static_cast<void>(host::configure_routes(recipe, registry()));
}

}  // namespace lrq::fuzz
