#include "pipeline/configured_plugins.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "pipeline/plugin_creation.hpp"

namespace lrq::host {

void load_recipe_plugins(const Recipe& recipe,
                         const std::vector<std::filesystem::path>& directories,
                         PluginRegistry& registry) {
  std::vector<std::pair<std::string, std::string>> wanted = {
      {"format", recipe.format.name},
      {"optimizer", recipe.optimizer.name},
      {"model", recipe.model.name},
      {"backend", recipe.backend.name},
  };
  for (const LayerOverride& rule : recipe.overrides) {
    if (rule.format) wanted.emplace_back("format", rule.format->name);
    if (rule.optimizer) wanted.emplace_back("optimizer", rule.optimizer->name);
  }
  const bool every_profile = recipe.model.name == kAutoProfile;
  registry.load(directories, [&](std::string_view kind, std::string_view name) {
    if (every_profile && kind == "model") return true;
    return std::find(wanted.begin(), wanted.end(),
                     std::pair<std::string, std::string>(kind, name)) != wanted.end();
  });
}

Created<Backend> configure_backend(const Recipe& recipe, const PluginRegistry& registry,
                                   BackendUse use) {
  const auto factory = registry.backend(recipe.backend.name);
  if (use == BackendUse::not_needed) {
    return check_from(factory, recipe.backend, PluginKind::backend, registry);
  }
  if (factory) {
    if (const Availability availability = factory->probe(); !availability.available) {
      throw Error(ErrorCategory::unsupported, section_origin(recipe.backend) +
                                                  " is not available here: " + availability.reason);
    }
  }
  return create_from(factory, recipe.backend, PluginKind::backend, registry);
}

}  // namespace lrq::host
