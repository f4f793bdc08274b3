#include "recipe/settings.hpp"

#include "lrq/error.hpp"
#include "recipe/number_text.hpp"

namespace lrq::host {

const std::vector<Setting>& recipe_settings() {
  static const std::vector<Setting> settings = {
      {"seed", &Recipe::seed, nullptr, 0},
      {"calib_samples", &Recipe::calib_samples, nullptr, 1},
      {"bias_correction", nullptr, &Recipe::bias_correction, 0},
      {"reference_compat", nullptr, &Recipe::reference_compat, 0},
      {"report", nullptr, &Recipe::report, 0},
      {"shard_size", &Recipe::shard_size, nullptr, 0, true},
      {"overwrite", nullptr, &Recipe::overwrite, 0},
  };
  return settings;
}

const std::vector<Setting>& model_host_settings() {
  static const std::vector<Setting> settings = {
      {"strict", nullptr, &Recipe::strict_profile, 0},
      {"heuristics", nullptr, &Recipe::heuristics, 0},
      {"heuristics_block_size", &Recipe::heuristics_block_size, nullptr, 0},
  };
  return settings;
}

const Setting* find_setting(std::string_view key, const std::vector<Setting>& table) noexcept {
  for (const Setting& setting : table) {
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
  if (setting.byte_size) {
    const std::optional<std::uint64_t> size = parse_byte_size(text);
    if (!size) {
      throw Error(ErrorCategory::recipe,
                  what + "a size in bytes such as 5GB, 500MiB or 1000000, got " + got);
    }
    recipe.*setting.integer = *size;
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
