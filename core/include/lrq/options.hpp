// Plugin options: a plugin declares a schema; the host checks a recipe block against it and hands
// the plugin a complete, typed Options (every declared option present, defaults filled in).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lrq {

enum class OptionType { boolean, integer, number, string };

using OptionValue = std::variant<bool, std::int64_t, double, std::string>;

std::string to_string(const OptionValue& value);
const char* type_name(OptionType type) noexcept;

struct OptionSpec {
  std::string name;
  OptionType type = OptionType::string;
  OptionValue default_value;
  std::string help;
  std::vector<OptionValue> choices;  // empty: any value of the type
  std::optional<double> minimum;     // integer and number only, inclusive
  std::optional<double> maximum;

  static OptionSpec boolean(std::string name, bool default_value, std::string help);
  static OptionSpec integer(std::string name, std::int64_t default_value, std::string help,
                            std::optional<double> minimum = {}, std::optional<double> maximum = {});
  static OptionSpec number(std::string name, double default_value, std::string help,
                           std::optional<double> minimum = {}, std::optional<double> maximum = {});
  static OptionSpec string(std::string name, std::string default_value, std::string help);
  static OptionSpec choice(std::string name, std::vector<std::string> choices,
                           std::string default_value, std::string help);
  static OptionSpec integer_choice(std::string name, std::vector<std::int64_t> choices,
                                   std::int64_t default_value, std::string help);
};

class OptionsSchema {
 public:
  OptionsSchema& add(OptionSpec spec);
  const std::vector<OptionSpec>& specs() const noexcept { return specs_; }
  const OptionSpec* find(std::string_view name) const noexcept;

 private:
  std::vector<OptionSpec> specs_;
};

// Checks that `value` has the spec's type and lies within its choices and range; returns an
// empty string when it does, else the reason ("expected one of 64, 128, got 96").
std::string check_option_value(const OptionSpec& spec, const OptionValue& value);

class Options {
 public:
  // Every option of the schema at its default.
  static Options defaults(const OptionsSchema& schema);

  void set(const std::string& name, OptionValue value);
  bool contains(std::string_view name) const noexcept;

  bool get_bool(std::string_view name) const;
  std::int64_t get_int(std::string_view name) const;
  double get_number(std::string_view name) const;
  const std::string& get_string(std::string_view name) const;
  const std::map<std::string, OptionValue, std::less<>>& values() const noexcept { return values_; }

 private:
  const OptionValue& at(std::string_view name) const;
  std::map<std::string, OptionValue, std::less<>> values_;
};

}  // namespace lrq
