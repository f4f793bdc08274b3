// The four plugin objects a recipe asks for, found in the registry, their options checked against
// each plugin's schema, and created.
#pragma once

#include <memory>

#include "lrq/backend.hpp"
#include "lrq/format.hpp"
#include "lrq/model_profile.hpp"
#include "lrq/optimizer.hpp"
#include "plugin_registry.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

struct ConfiguredPlugins {
  std::unique_ptr<Format> format;
  std::unique_ptr<Optimizer> optimizer;
  std::unique_ptr<ModelProfile> model;
  std::unique_ptr<Backend> backend;
};

// Loads only the plugin files the recipe names.
void load_recipe_plugins(const Recipe& recipe,
                         const std::vector<std::filesystem::path>& directories,
                         PluginRegistry& registry);

// Throws lrq::Error naming the recipe location: recipe (unknown plugin or option), plugin (the
// plugin file was rejected; the reason is included) or unsupported (backend not available here).
ConfiguredPlugins configure_plugins(const Recipe& recipe, const PluginRegistry& registry);

}  // namespace lrq::host
