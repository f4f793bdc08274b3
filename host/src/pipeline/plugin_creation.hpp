// Makes a plugin object from a recipe section: the factory found in the registry, the section's
// options checked against its schema, and the object created, with a label for printing.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lrq/error.hpp"
#include "lrq/log.hpp"
#include "lrq/options.hpp"
#include "plugin_registry.hpp"
#include "recipe/plugin_options.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

template <class Product>
struct Created {
  std::unique_ptr<Product> object;
  Options options;    // complete, defaults filled in
  std::string label;  // see plugin_label
};

// "fp8(scale=row)": the plugin's name, and its options that differ from their defaults, in the
// schema's order, then the host's `settings` ("devices=0,1"); the bare name when there are none.
std::string plugin_label(const std::string& name, const Options& options,
                         const OptionsSchema& schema,
                         const std::vector<std::string>& settings = {});

// "<location>: <section> '<name>'", the start of every error about the section.
std::string section_origin(const PluginSelection& selection);

// "\n  <path>: <reason>" per rejected plugin file.
std::string list_rejections(const std::vector<PluginRejection>& rejections);

// Why the plugin is missing: not installed (a recipe error) or its file was rejected (a plugin
// error, with the loader's reason).
[[noreturn]] void fail_missing(const PluginSelection& selection, PluginKind kind,
                               const PluginRegistry& registry);

// Everything create_from checks before it creates: the factory is found, the section's options fit
// its schema. The object stays empty; a dry run checks a backend it cannot create this way.
template <class Factory>
auto check_from(const std::shared_ptr<const Factory>& factory, const PluginSelection& selection,
                PluginKind kind, const PluginRegistry& registry) {
  using Product = typename Factory::Product;
  if (!factory) fail_missing(selection, kind, registry);
  // A user's plugin file that was rejected must not go unnoticed behind another one of that name.
  if (const std::string rejected = list_rejections(registry.rejections_for(kind, selection.name));
      !rejected.empty()) {
    log(LogLevel::warning, section_origin(selection) + ": using " +
                               factory->library()->path.string() + "; rejected:" + rejected);
  }
  const OptionsSchema schema = factory->schema();
  Options options = resolve_options(selection, schema);
  std::string label = plugin_label(selection.name, options, schema);
  return Created<Product>{nullptr, std::move(options), std::move(label)};
}

// The factory's object for options check_from gave; an option the plugin refuses is a recipe
// error naming the section's location.
template <class Factory>
auto create_checked(const Factory& factory, const PluginSelection& selection,
                    const Options& options) {
  try {
    return factory.create(options);
  } catch (const Error& error) {
    if (error.category() != ErrorCategory::recipe) throw;
    throw Error(ErrorCategory::recipe, section_origin(selection) + ": " + error.what());
  }
}

// Throws lrq::Error naming the section's location: recipe (unknown plugin or option, or an option
// the plugin refuses) or plugin (the plugin file was rejected).
template <class Factory>
auto create_from(const std::shared_ptr<const Factory>& factory, const PluginSelection& selection,
                 PluginKind kind, const PluginRegistry& registry) {
  auto created = check_from(factory, selection, kind, registry);
  created.object = create_checked(*factory, selection, created.options);
  return created;
}

}  // namespace lrq::host
