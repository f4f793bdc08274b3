#include "report/run_provenance.hpp"

#include <algorithm>

#include "lrq/version.hpp"

namespace lrq::host {
namespace {

template <class Factory>
void add_plugin(std::vector<std::pair<std::string, std::string>>& entries, const char* kind,
                const std::string& name, const std::shared_ptr<const Factory>& factory) {
  if (!factory) return;
  const std::string key = std::string("lrq.plugin.") + kind + "." + name;
  const bool known = std::any_of(entries.begin(), entries.end(),
                                 [&](const auto& entry) { return entry.first == key; });
  if (!known) entries.emplace_back(key, factory->library()->version);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> run_provenance(const Recipe& recipe,
                                                                const PluginRegistry& registry,
                                                                const std::string& model) {
  std::vector<std::pair<std::string, std::string>> entries = {
      {"lrq.version", LRQ_VERSION}, {"lrq.seed", std::to_string(recipe.seed)}};
  add_plugin(entries, "format", recipe.format.name, registry.format(recipe.format.name));
  add_plugin(entries, "optimizer", recipe.optimizer.name,
             registry.optimizer(recipe.optimizer.name));
  add_plugin(entries, "model", model, registry.model_profile(model));
  add_plugin(entries, "backend", recipe.backend.name, registry.backend(recipe.backend.name));
  for (const LayerOverride& rule : recipe.overrides) {
    if (rule.format)
      add_plugin(entries, "format", rule.format->name, registry.format(rule.format->name));
    if (rule.optimizer) {
      add_plugin(entries, "optimizer", rule.optimizer->name,
                 registry.optimizer(rule.optimizer->name));
    }
  }
  return entries;
}

}  // namespace lrq::host
