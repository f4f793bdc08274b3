#include "recipe/recipe_json.hpp"

#include <variant>

#include "recipe/plugin_options.hpp"
#include "recipe/settings.hpp"

namespace lrq::host {
namespace {

using Json = nlohmann::ordered_json;

Json value_json(const OptionValue& value) {
  return std::visit([](const auto& held) { return Json(held); }, value);
}

Json path_json(const std::filesystem::path& path) {
  if (path.empty()) return nullptr;
  return path.string();
}

Json setting_json(const Recipe& recipe, const Setting& setting) {
  if (setting.flag != nullptr) return recipe.*setting.flag;
  return recipe.*setting.integer;
}

// {"<name key>": name, option: value, ...}: the schema's options in its order when the plugin is
// loaded, else the options as written.
template <class Factory>
Json section_json(const PluginSelection& selection, const std::shared_ptr<const Factory>& factory) {
  Json json;
  json[selection.section == "model" ? "profile" : "name"] = selection.name;
  if (!factory) {
    for (const RawOption& option : selection.options) {
      json[option.key] = option.scalar ? Json(*option.scalar) : Json(nullptr);
    }
    return json;
  }
  const OptionsSchema schema = factory->schema();
  const Options options = resolve_options(selection, schema);
  for (const OptionSpec& spec : schema.specs())
    json[spec.name] = value_json(options.values().find(spec.name)->second);
  return json;
}

Json overrides_json(const Recipe& recipe, const PluginRegistry& registry) {
  Json rules = Json::array();
  for (const LayerOverride& rule : recipe.overrides) {
    Json json = {{"match", rule.pattern}};
    if (rule.skip) json["skip"] = true;
    if (rule.format) {
      const PluginSelection format = inherited(*rule.format, recipe.format);
      json["format"] = section_json(format, registry.format(format.name));
    }
    if (rule.optimizer) {
      const PluginSelection optimizer = inherited(*rule.optimizer, recipe.optimizer);
      json["optimizer"] = section_json(optimizer, registry.optimizer(optimizer.name));
    }
    rules.push_back(std::move(json));
  }
  return rules;
}

}  // namespace

Json resolved_recipe_json(const Recipe& recipe, const PluginRegistry& registry) {
  Json json = {
      {"lrq", 1}, {"input", path_json(recipe.input)}, {"output", path_json(recipe.output)}};
  json["format"] = section_json(recipe.format, registry.format(recipe.format.name));
  json["optimizer"] = section_json(recipe.optimizer, registry.optimizer(recipe.optimizer.name));
  json["model"] = section_json(recipe.model, registry.model_profile(recipe.model.name));
  for (const Setting& setting : model_host_settings())
    json["model"][setting.key] = setting_json(recipe, setting);
  // Without `devices`: how many workers converted the layers does not change a byte of them.
  PluginSelection backend = recipe.backend;
  std::erase_if(backend.options,
                [](const RawOption& option) { return option.key == kBackendDevicesKey; });
  json["backend"] = section_json(backend, registry.backend(backend.name));
  json["overrides"] = overrides_json(recipe, registry);
  const CalibrationSettings& calibration = recipe.calibration;
  json["calibration"] = {
      {"stats", path_json(calibration.stats)},
      {"missing", calibration.missing == MissingStatistics::rtn ? "rtn" : "error"},
      {"holdout", path_json(calibration.holdout)}};
  for (const Setting& setting : recipe_settings())
    json[setting.key] = setting_json(recipe, setting);
  return json;
}

}  // namespace lrq::host
