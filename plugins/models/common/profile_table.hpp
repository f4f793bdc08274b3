// A model profile as data: the reference tool's lists for one model (docs/model-profiles.md) and
// how to recognise the model from its keys.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "lrq/model_profile.hpp"

namespace lrq::models {

using KeyNames = std::vector<std::string_view>;
using Detector = std::function<ProfileMatch(const ModelIndex&)>;

struct ProfileTable {
  std::string_view name;  // the plugin's name, and the reference tool's flag
  std::string_view description;
  KeyNames exclude = {};         // kept as they are
  KeyNames high_precision = {};  // kept as well: the reference treats both lists alike
  KeyNames remove = {};          // left out of the output, weights or not
  // The reference's own exclude list is the generic avoid list (t5xxl, mistral, wan). Every other
  // profile applies that list too, unless its `generic_avoid_list` option is turned off.
  bool includes_avoid_list = false;
  Detector detect = {};  // none: never detected automatically
};

}  // namespace lrq::models
