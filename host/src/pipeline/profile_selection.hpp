// Which model profile decides the layers: the one the recipe names, or with `profile: auto` the one
// whose detect() scores the input highest.
#pragma once

#include <memory>
#include <string>

#include "lrq/model_profile.hpp"
#include "plugin_registry.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

struct SelectedProfile {
  std::unique_ptr<ModelProfile> profile;
  std::string name;
  ProfileMatch match;  // its detect(); after a fallback to generic, why
  bool automatic = false;
  Options options{};  // complete, defaults filled in
};

// With `auto`, every model profile in the registry scores the input, and the best one wins; when
// the best score is at most 1 (only generic recognises the model) or the two best profiles other
// than generic tie, generic is used, with a warning naming the candidates. A named profile whose
// detect() scores 0 gets a warning. Logs the choice. With `strict`, both warnings are recipe
// errors instead. Throws lrq::Error as configure_routes does.
SelectedProfile select_profile(const Recipe& recipe, const PluginRegistry& registry,
                               const ModelIndex& model);

}  // namespace lrq::host
