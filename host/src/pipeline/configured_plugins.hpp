// Loading the plugin files a recipe needs, and creating its backend. (The formats and optimizers
// are configured by quantization_routes.hpp, the model profile by profile_selection.hpp.)
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "lrq/backend.hpp"
#include "pipeline/plugin_creation.hpp"
#include "plugin_registry.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

// Whether the recipe's backend is created, or only checked: a dry run needs no device.
enum class BackendUse { needed, not_needed };

// Loads only the plugin files the recipe names (its sections and override rules), and every model
// profile for `profile: auto`.
void load_recipe_plugins(const Recipe& recipe,
                         const std::vector<std::filesystem::path>& directories,
                         PluginRegistry& registry);

// The backend with its complete options and label. Not needed: its plugin and options are checked,
// and it is neither probed nor created (the object is empty). Throws lrq::Error naming the recipe
// location: recipe (unknown plugin or option), plugin (the plugin file was rejected; the reason is
// included) or unsupported (not available here).
Created<Backend> configure_backend(const Recipe& recipe, const PluginRegistry& registry,
                                   BackendUse use = BackendUse::needed);

}  // namespace lrq::host
