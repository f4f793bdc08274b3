#include "pipeline/configured_plugins.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "pipeline/backend_devices.hpp"
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

std::vector<Backend*> ConfiguredBackend::worker_pointers() const {
  std::vector<Backend*> pointers;
  for (const std::unique_ptr<Backend>& worker : workers)
    pointers.push_back(worker.get());
  return pointers;
}

std::string ConfiguredBackend::device_text() const {
  if (workers.size() == 1) return first().info().device;
  std::vector<std::string> distinct;
  for (const std::unique_ptr<Backend>& worker : workers) {
    std::string device = worker->info().device;
    if (std::find(distinct.begin(), distinct.end(), device) == distinct.end()) {
      distinct.push_back(std::move(device));
    }
  }
  std::string text;
  for (const std::string& device : distinct)
    text += device + ", ";
  return text + std::to_string(workers.size()) + " workers";
}

ConfiguredBackend configure_backend(const Recipe& recipe, const PluginRegistry& registry,
                                    BackendUse use) {
  const auto factory = registry.backend(recipe.backend.name);
  if (!factory) fail_missing(recipe.backend, PluginKind::backend, registry);
  PluginSelection section = recipe.backend;
  const OptionsSchema schema = factory->schema();
  ConfiguredBackend configured;
  configured.devices = take_devices(section, schema);
  Created<Backend> checked = check_from(factory, section, PluginKind::backend, registry);
  configured.options = std::move(checked.options);
  configured.label =
      plugin_label(section.name, configured.options, schema, devices_setting(configured.devices));
  if (configured.devices.empty()) configured.devices = default_devices(schema, configured.options);
  if (use == BackendUse::not_needed) return configured;
  if (const Availability availability = factory->probe(); !availability.available) {
    throw Error(ErrorCategory::unsupported,
                section_origin(section) + " is not available here: " + availability.reason);
  }
  if (configured.devices.empty()) {
    configured.workers.push_back(create_checked(*factory, section, configured.options));
  }
  for (const std::int64_t device : configured.devices) {
    Options on_device = configured.options;
    on_device.set("device", device);
    configured.workers.push_back(create_checked(*factory, section, on_device));
  }
  return configured;
}

}  // namespace lrq::host
