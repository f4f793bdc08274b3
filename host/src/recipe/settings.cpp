#include "recipe/settings.hpp"

#include "lrq/error.hpp"
#include "recipe/number_text.hpp"

namespace lrq::host {
namespace {

std::optional<bool> parse_flag(const std::string& text) {
  if (text == "true" || text == "True" || text == "TRUE" || text == "yes" || text == "on") {
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE" || text == "no" || text == "off") {
    return false;
  }
  return std::nullopt;
}

}  // namespace

const std::vector<Setting>& recipe_settings() {
  static const std::vector<Setting> settings = {
      {"seed", &Recipe::seed, nullptr, 0},
      {"calib_samples", &Recipe::calib_samples, nullptr, 1},
      {"bias_correction", nullptr, &Recipe::bias_correction, 0},
      {"reference_compat", nullptr, &Recipe::reference_compat, 0},
      {"report", nullptr, &Recipe::report, 0},
  };
  return settings;
}

const Setting* find_setting(std::string_view key) noexcept {
  for (const Setting& setting : recipe_settings()) {
    if (key == setting.key) return &setting;
  }
  return nullptr;
}

void assign_setting(Recipe& recipe, const Setting& setting, const std::string& text, bool quoted,
                    const Location& where) {
  const std::string what = where.to_string() + ": '" + setting.key + "' must be ";
  const std::string got = quoted ? "the string '" + text + "'" : "'" + text + "'";
  if (setting.flag != nullptr) {
    const std::optional<bool> flag = quoted ? std::nullopt : parse_flag(text);
    if (!flag) throw Error(ErrorCategory::recipe, what + "true or false, got " + got);
    recipe.*setting.flag = *flag;
    return;
  }
  const std::optional<std::uint64_t> value =
      quoted ? std::nullopt : parse_number<std::uint64_t>(text);
  if (!value || *value < setting.minimum) {
    const std::string kind = setting.minimum == 0
                                 ? "a non-negative integer"
                                 : "an integer of at least " + std::to_string(setting.minimum);
    throw Error(ErrorCategory::recipe, what + kind + ", got " + got);
  }
  recipe.*setting.integer = *value;
}

}  // namespace lrq::host
