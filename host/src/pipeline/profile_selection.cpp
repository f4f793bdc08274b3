#include "pipeline/profile_selection.hpp"

#include <algorithm>
#include <vector>

#include "lrq/error.hpp"
#include "lrq/log.hpp"
#include "pipeline/plugin_creation.hpp"

namespace lrq::host {
namespace {

constexpr const char* kFallback = "generic";

SelectedProfile detect_with(const PluginSelection& selection, const PluginRegistry& registry,
                            const ModelIndex& model, bool automatic) {
  Created<ModelProfile> made =
      create_from(registry.model_profile(selection.name), selection, PluginKind::model, registry);
  ProfileMatch match = made.object->detect(model);
  return {std::move(made.object), selection.name, std::move(match), automatic,
          std::move(made.options)};
}

// With `strict`, a recipe error; otherwise a warning that ends with `consequence`.
void warn_or_fail(const Recipe& recipe, const std::string& problem,
                  const std::string& consequence) {
  if (recipe.strict_profile) {
    // A recipe without a model section (strict set with --set) has only its file to point at.
    const std::string where =
        recipe.model.location.line > 0 ? recipe.model.location.to_string() : recipe.source.string();
    throw Error(ErrorCategory::recipe, where + ": " + problem + " (model: strict: true)");
  }
  log(LogLevel::warning, problem + consequence);
}

// "alpha 0, beta 20, generic 1"
std::string scores_of(const std::vector<SelectedProfile>& candidates) {
  std::string text;
  for (const SelectedProfile& candidate : candidates) {
    text +=
        (text.empty() ? "" : ", ") + candidate.name + " " + std::to_string(candidate.match.score);
  }
  return text;
}

// Why no profile wins among the candidates, best first; empty when the first one does.
std::string why_none_wins(const std::vector<SelectedProfile>& ranked) {
  if (ranked.empty() || ranked.front().match.score <= 1) return "no profile recognises this model";
  std::vector<const SelectedProfile*> specific;
  for (const SelectedProfile& candidate : ranked) {
    if (candidate.name != kFallback) specific.push_back(&candidate);
  }
  if (specific.size() >= 2 && specific[0]->match.score == specific[1]->match.score) {
    return specific[0]->name + " and " + specific[1]->name + " both score " +
           std::to_string(specific[0]->match.score);
  }
  return "";
}

SelectedProfile select_automatically(const Recipe& recipe, const PluginRegistry& registry,
                                     const ModelIndex& model) {
  if (!recipe.model.options.empty()) {
    const RawOption& option = recipe.model.options.front();
    throw Error(ErrorCategory::recipe, option.location.to_string() + ": model." + option.key +
                                           ": profile 'auto' takes no options; name the "
                                           "profile they are for with 'profile'");
  }
  std::vector<SelectedProfile> ranked;
  for (const std::string& name : registry.names(PluginKind::model)) {
    PluginSelection selection = recipe.model;
    selection.name = name;
    ranked.push_back(detect_with(selection, registry, model, true));
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.match.score > b.match.score; });
  const std::string problem = why_none_wins(ranked);
  if (problem.empty()) {
    SelectedProfile& best = ranked.front();
    log(LogLevel::info, "model profile: " + best.name + " (auto: score " +
                            std::to_string(best.match.score) + ", " + best.match.reason + ")");
    return std::move(best);
  }
  warn_or_fail(recipe, "model profile auto: " + problem + " (" + scores_of(ranked) + ")",
               "; using " + std::string(kFallback));
  const auto fallback = std::find_if(ranked.begin(), ranked.end(), [](const auto& candidate) {
    return candidate.name == kFallback;
  });
  PluginSelection selection = recipe.model;
  selection.name = kFallback;
  SelectedProfile chosen = fallback != ranked.end() ? std::move(*fallback)
                                                    : detect_with(selection, registry, model, true);
  chosen.match.reason = problem;
  return chosen;
}

}  // namespace

SelectedProfile select_profile(const Recipe& recipe, const PluginRegistry& registry,
                               const ModelIndex& model) {
  if (recipe.model.name == kAutoProfile) return select_automatically(recipe, registry, model);
  SelectedProfile named = detect_with(recipe.model, registry, model, false);
  if (named.match.score <= 0) {
    warn_or_fail(
        recipe,
        "model profile '" + named.name + "' does not match this file: " + named.match.reason, "");
  }
  return named;
}

}  // namespace lrq::host
