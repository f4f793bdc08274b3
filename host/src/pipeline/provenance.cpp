#include "pipeline/provenance.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "lrq/json_limits.hpp"
#include "lrq/version.hpp"
#include "pipeline/json_document.hpp"
#include "recipe/recipe_json.hpp"

namespace lrq::host {
namespace {

const std::string* entry(const Metadata& metadata, std::string_view key) {
  const auto found = std::find_if(metadata.begin(), metadata.end(),
                                  [&](const auto& pair) { return pair.first == key; });
  return found == metadata.end() ? nullptr : &found->second;
}

Json parsed(const std::string* value) {
  if (value == nullptr) return nullptr;
  if (json_nests_too_deep(*value)) return Json(*value);
  Json json = Json::parse(*value, nullptr, false);
  return json.is_discarded() ? Json(*value) : json;
}

void reduce_to_file_name(Json& value) {
  if (value.is_string())
    value = std::filesystem::path(value.get<std::string>()).filename().string();
}

Json recorded_recipe(const Recipe& recipe, const PluginRegistry& registry) {
  Json json = resolved_recipe_json(recipe, registry);
  json.erase("output");
  json.erase("overwrite");
  reduce_to_file_name(json["input"]);
  reduce_to_file_name(json["calibration"]["stats"]);
  reduce_to_file_name(json["calibration"]["holdout"]);
  return json;
}

template <class Factory>
std::string version_of(const std::shared_ptr<const Factory>& factory) {
  return factory ? factory->library()->version : "";
}

Json plugins_json(const Recipe& recipe, const PluginRegistry& registry,
                  const QuantizationRoutes& routes, const std::string& profile) {
  std::set<std::string> formats;
  std::set<std::string> optimizers;
  const auto add = [&](const QuantizationRoute& route) {
    formats.insert(route.format.name);
    optimizers.insert(route.optimizer.name);
  };
  add(*routes.primary);
  for (const OverrideRoute& rule : routes.overrides) {
    if (rule.route) add(*rule.route);
  }
  Json json = {{"format", Json::object()},
               {"optimizer", Json::object()},
               {"model", Json::object()},
               {"backend", Json::object()}};
  for (const std::string& name : formats)
    json["format"][name] = version_of(registry.format(name));
  for (const std::string& name : optimizers)
    json["optimizer"][name] = version_of(registry.optimizer(name));
  json["model"][profile] = version_of(registry.model_profile(profile));
  json["backend"][recipe.backend.name] = version_of(registry.backend(recipe.backend.name));
  return json;
}

}  // namespace

Metadata provenance_metadata(const Recipe& recipe, const PluginRegistry& registry,
                             const QuantizationRoutes& routes, const std::string& profile) {
  return {{"lrq.version", LRQ_VERSION},
          {"lrq.recipe", json_text(recorded_recipe(recipe, registry), -1)},
          {"lrq.seed", std::to_string(recipe.seed)},
          {"lrq.plugins", json_text(plugins_json(recipe, registry, routes, profile), -1)}};
}

bool is_provenance_key(std::string_view key) noexcept {
  return key.starts_with(kProvenancePrefix);
}

Metadata with_provenance(Metadata metadata, const Metadata& provenance) {
  std::erase_if(metadata, [](const auto& entry) { return is_provenance_key(entry.first); });
  metadata.insert(metadata.end(), provenance.begin(), provenance.end());
  return metadata;
}

Json provenance_json(const Metadata& metadata) {
  if (std::none_of(metadata.begin(), metadata.end(),
                   [](const auto& pair) { return is_provenance_key(pair.first); })) {
    return nullptr;
  }
  const std::string* version = entry(metadata, "lrq.version");
  const std::string* seed = entry(metadata, "lrq.seed");
  return {{"version", version ? Json(*version) : Json(nullptr)},
          {"seed", parsed(seed)},
          {"plugins", parsed(entry(metadata, "lrq.plugins"))},
          {"recipe", parsed(entry(metadata, "lrq.recipe"))}};
}

}  // namespace lrq::host
