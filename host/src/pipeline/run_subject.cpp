#include "pipeline/run_subject.hpp"

namespace lrq::host {
namespace {

template <class Interface>
Json route_plugin_json(const ConfiguredPlugin<Interface>& plugin,
                       const std::shared_ptr<const LoadedLibrary>& library) {
  return configured_plugin_json(plugin.name, *library, plugin.label, plugin.options);
}

Json format_json(const ConfiguredPlugin<const Format>& format, const PluginRegistry& registry) {
  return route_plugin_json(format, registry.format(format.name)->library());
}

Json optimizer_json(const ConfiguredPlugin<Optimizer>& optimizer, const PluginRegistry& registry) {
  return route_plugin_json(optimizer, registry.optimizer(optimizer.name)->library());
}

Json model_json(const SelectedProfile& profile, const PluginRegistry& registry) {
  const auto factory = registry.model_profile(profile.name);
  Json json = configured_plugin_json(profile.name, *factory->library(),
                                     plugin_label(profile.name, profile.options, factory->schema()),
                                     profile.options);
  json["auto"] = profile.automatic;
  json["score"] = profile.match.score;
  json["reason"] = profile.match.reason;
  return json;
}

Json overrides_json(const QuantizationRoutes& routes, const PluginRegistry& registry) {
  Json overrides = Json::array();
  for (const OverrideRoute& override_route : routes.overrides) {
    const QuantizationRoute* route = override_route.route.get();
    overrides.push_back(
        {{"rule", override_route.rule.label()},
         {"match", override_route.rule.pattern},
         {"skip", route == nullptr},
         {"format", route == nullptr ? Json(nullptr) : format_json(route->format, registry)},
         {"optimizer",
          route == nullptr ? Json(nullptr) : optimizer_json(route->optimizer, registry)}});
  }
  return overrides;
}

// With "devices", the workers' devices, when there are any.
Json backend_json(const std::string& name, const PluginRegistry& registry,
                  const ConfiguredBackend& backend) {
  Json json = configured_plugin_json(name, *registry.backend(name)->library(), backend.label,
                                     backend.options);
  if (!backend.devices.empty()) json["devices"] = backend.devices;
  return json;
}

}  // namespace

RunSubject run_subject(const Recipe& recipe, const PluginRegistry& registry,
                       const QuantizationRoutes& routes, const SelectedProfile& profile,
                       const ConfiguredBackend& backend) {
  const QuantizationRoute& primary = *routes.primary;
  const std::string& backend_name = recipe.backend.name;
  Json plugins = {{"format", format_json(primary.format, registry)},
                  {"optimizer", optimizer_json(primary.optimizer, registry)},
                  {"model", model_json(profile, registry)},
                  {"backend", backend_json(backend_name, registry, backend)},
                  {"overrides", overrides_json(routes, registry)}};
  return {recipe.input, recipe.output, primary.format.name, primary.optimizer.name,
          profile.name, backend_name,  std::move(plugins)};
}

Json run_subject_json(const RunSubject& subject) {
  return {{"input", subject.input.string()},
          {"output", subject.output.empty() ? Json(nullptr) : Json(subject.output.string())},
          {"format", subject.format},
          {"optimizer", subject.optimizer},
          {"model", subject.model},
          {"backend", subject.backend},
          {"plugins", subject.plugins}};
}

}  // namespace lrq::host
