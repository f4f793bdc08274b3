#include "pipeline/configured_plugins.hpp"

#include "lrq/error.hpp"
#include "lrq/log.hpp"
#include "recipe/plugin_options.hpp"
#include "recipe/suggest.hpp"

namespace lrq::host {
namespace {

std::string where(const PluginSelection& selection) {
  return selection.location.to_string() + ": " + selection.section + " '" + selection.name + "'";
}

std::string list_rejections(const std::vector<PluginRejection>& rejections) {
  std::string text;
  for (const PluginRejection& rejection : rejections) {
    text += "\n  " + rejection.path.string() + ": " + rejection.reason;
  }
  return text;
}

// Why the plugin is missing: not installed (a recipe error) or its file was rejected (a plugin
// error, with the loader's reason).
[[noreturn]] void fail_missing(const PluginSelection& selection, PluginKind kind,
                               const PluginRegistry& registry) {
  const std::string rejections = list_rejections(registry.rejections_for(kind, selection.name));
  if (!rejections.empty()) {
    throw Error(ErrorCategory::plugin, where(selection) + " could not be loaded:" + rejections);
  }
  const std::vector<std::string> names = registry.available_names(kind);
  throw Error(ErrorCategory::recipe, where(selection) + " not found" +
                                         did_you_mean(selection.name, names) +
                                         "; available: " + (names.empty() ? "none" : join(names)) +
                                         " (see lrq-host plugins)");
}

template <class Factory>
auto create_from(const std::shared_ptr<const Factory>& factory, const PluginSelection& selection,
                 PluginKind kind, const PluginRegistry& registry) {
  if (!factory) fail_missing(selection, kind, registry);
  // A user's plugin file that was rejected must not go unnoticed behind another one of that name.
  if (const std::string rejected = list_rejections(registry.rejections_for(kind, selection.name));
      !rejected.empty()) {
    log(LogLevel::warning, where(selection) + ": using " + factory->library()->path.string() +
                               "; rejected:" + rejected);
  }
  const Options options = resolve_options(selection, factory->schema());
  try {
    return factory->create(options);
  } catch (const Error& error) {
    if (error.category() != ErrorCategory::recipe) throw;
    throw Error(ErrorCategory::recipe, where(selection) + ": " + error.what());
  }
}

}  // namespace

void load_recipe_plugins(const Recipe& recipe,
                         const std::vector<std::filesystem::path>& directories,
                         PluginRegistry& registry) {
  const std::vector<const PluginSelection*> selections = {&recipe.format, &recipe.optimizer,
                                                          &recipe.model, &recipe.backend};
  registry.load(directories, [&](std::string_view kind, std::string_view name) {
    for (const PluginSelection* selection : selections) {
      if (kind == selection->section && name == selection->name) return true;
    }
    return false;
  });
}

ConfiguredPlugins configure_plugins(const Recipe& recipe, const PluginRegistry& registry) {
  ConfiguredPlugins plugins;
  const auto backend_factory = registry.backend(recipe.backend.name);
  if (backend_factory) {
    if (const Availability availability = backend_factory->probe(); !availability.available) {
      throw Error(ErrorCategory::unsupported,
                  where(recipe.backend) + " is not available here: " + availability.reason);
    }
  }
  plugins.backend = create_from(backend_factory, recipe.backend, PluginKind::backend, registry);
  plugins.format =
      create_from(registry.format(recipe.format.name), recipe.format, PluginKind::format, registry);
  plugins.optimizer = create_from(registry.optimizer(recipe.optimizer.name), recipe.optimizer,
                                  PluginKind::optimizer, registry);
  plugins.model = create_from(registry.model_profile(recipe.model.name), recipe.model,
                              PluginKind::model, registry);
  return plugins;
}

}  // namespace lrq::host
