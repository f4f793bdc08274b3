// Loading the plugin files a recipe needs, and creating its backend. (The formats and optimizers
// are configured by quantization_routes.hpp, the model profile by profile_selection.hpp.)
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "lrq/backend.hpp"
#include "plugin_registry.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

// Whether the recipe's backend plugin is loaded: a dry run needs none.
enum class BackendUse { needed, not_needed };

// Loads only the plugin files the recipe names (its sections and override rules), every model
// profile for `profile: auto`, and the backend's file only when needed.
void load_recipe_plugins(const Recipe& recipe,
                         const std::vector<std::filesystem::path>& directories,
                         PluginRegistry& registry, BackendUse backend_use = BackendUse::needed);

// Throws lrq::Error naming the recipe location: recipe (unknown plugin or option), plugin (the
// plugin file was rejected; the reason is included) or unsupported (not available here).
std::unique_ptr<Backend> configure_backend(const Recipe& recipe, const PluginRegistry& registry);

}  // namespace lrq::host
