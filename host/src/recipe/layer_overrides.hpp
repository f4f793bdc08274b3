// The recipe's `overrides:` list: per-layer rules, each a regex `match` and what to do with the
// layers it matches (another format or optimizer, or skip).
#pragma once

#include <vector>

#include "recipe/recipe.hpp"
#include "recipe/yaml_reader.hpp"

namespace lrq::host {

// `key` is the `overrides` key of the recipe and `rules` its value. Throws lrq::Error (recipe)
// naming the location and the rule (overrides[i]) of a malformed rule, an invalid regex, an
// unknown key, or a rule that sets nothing.
std::vector<LayerOverride> parse_layer_overrides(const YamlReader& yaml, const YAML::Node& key,
                                                 const YAML::Node& rules);

}  // namespace lrq::host
