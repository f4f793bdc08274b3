// The recipe's scalar settings: the top-level ones (seed, calibration, report, ...) and the host's
// keys of the model section (strict, heuristics, ...). One table each, read from the YAML file and
// from --set alike.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "recipe/recipe.hpp"

namespace lrq::host {

struct Setting {
  const char* key;
  std::uint64_t Recipe::*integer = nullptr;  // exactly one of integer and flag is set
  bool Recipe::*flag = nullptr;
  std::uint64_t minimum = 0;  // integers only, inclusive
  std::uint64_t maximum = std::numeric_limits<std::uint64_t>::max();
  bool byte_size = false;  // an integer that may be written with a unit: "5GB"
};

const std::vector<Setting>& recipe_settings();
// Keys of the model section that the host reads; they never reach the profile's option schema.
const std::vector<Setting>& model_host_settings();
const Setting* find_setting(std::string_view key,
                            const std::vector<Setting>& table = recipe_settings()) noexcept;

// Parses `text` for the setting and stores it; a quoted value is a string, so never a number or a
// boolean. Throws lrq::Error (recipe) naming `where` and the key.
void assign_setting(Recipe& recipe, const Setting& setting, const std::string& text, bool quoted,
                    const Location& where);

}  // namespace lrq::host
