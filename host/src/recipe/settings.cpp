#include "recipe/settings.hpp"

#include "lrq/error.hpp"
#include "recipe/number_text.hpp"

namespace lrq::host {

namespace {

// Bounds that keep each value within what its users compute with (std::int64_t) and within reason;
// the README's recipe table states them.
constexpr std::uint64_t kMaxCalibSamples = 1'000'000'000;
constexpr std::uint64_t kMaxBlockSize = 1 << 20;

// "a non-negative integer", "an integer of at least 1", "an integer from 1 to 1000000000"
std::string integer_kind(const Setting& setting) {
  if (setting.maximum != std::numeric_limits<std::uint64_t>::max()) {
    return "an integer from " + std::to_string(setting.minimum) + " to " +
           std::to_string(setting.maximum);
  }
  if (setting.minimum == 0) return "a non-negative integer";
  return "an integer of at least " + std::to_string(setting.minimum);
}

}  // namespace

const std::vector<Setting>& recipe_settings() {
  static const std::vector<Setting> settings = {
      {.key = "seed", .integer = &Recipe::seed},
      {.key = "calib_samples",
       .integer = &Recipe::calib_samples,
       .minimum = 1,
       .maximum = kMaxCalibSamples},
      {.key = "bias_correction", .flag = &Recipe::bias_correction},
      {.key = "reference_compat", .flag = &Recipe::reference_compat},
      {.key = "report", .flag = &Recipe::report},
      {.key = "shard_size", .integer = &Recipe::shard_size, .byte_size = true},
      {.key = "overwrite", .flag = &Recipe::overwrite},
  };
  return settings;
}

const std::vector<Setting>& model_host_settings() {
  static const std::vector<Setting> settings = {
      {.key = "strict", .flag = &Recipe::strict_profile},
      {.key = "heuristics", .flag = &Recipe::heuristics},
      {.key = "heuristics_block_size",
       .integer = &Recipe::heuristics_block_size,
       .maximum = kMaxBlockSize},
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
      quoted ? std::nullopt
             : parse_integer_in<std::uint64_t>(text, setting.minimum, setting.maximum);
  if (!value) throw Error(ErrorCategory::recipe, what + integer_kind(setting) + ", got " + got);
  recipe.*setting.integer = *value;
}

}  // namespace lrq::host
