#include "pipeline/plugin_creation.hpp"

#include "recipe/suggest.hpp"

namespace lrq::host {

std::string plugin_label(const std::string& name, const Options& options,
                         const OptionsSchema& schema, const std::vector<std::string>& settings) {
  std::vector<std::string> changed;
  for (const OptionSpec& spec : schema.specs()) {
    const auto value = options.values().find(spec.name);
    if (value != options.values().end() && value->second != spec.default_value) {
      changed.push_back(spec.name + "=" + to_string(value->second));
    }
  }
  changed.insert(changed.end(), settings.begin(), settings.end());
  return changed.empty() ? name : name + "(" + join(changed) + ")";
}

std::string section_origin(const PluginSelection& selection) {
  return selection.location.to_string() + ": " + selection.section + " '" + selection.name + "'";
}

std::string list_rejections(const std::vector<PluginRejection>& rejections) {
  std::string text;
  for (const PluginRejection& rejection : rejections) {
    text += "\n  " + rejection.path.string() + ": " + rejection.reason;
  }
  return text;
}

void fail_missing(const PluginSelection& selection, PluginKind kind,
                  const PluginRegistry& registry) {
  const std::string rejections = list_rejections(registry.rejections_for(kind, selection.name));
  if (!rejections.empty()) {
    throw Error(ErrorCategory::plugin,
                section_origin(selection) + " could not be loaded:" + rejections);
  }
  const std::vector<std::string> names = registry.available_names(kind);
  throw Error(ErrorCategory::recipe, section_origin(selection) + " not found" +
                                         did_you_mean(selection.name, names) +
                                         "; available: " + (names.empty() ? "none" : join(names)) +
                                         " (see lrq-host plugins)");
}

}  // namespace lrq::host
