#include "lrq/options.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "lrq/error.hpp"

namespace lrq {
namespace {

// The shortest text that reads back as the same double: 0.95, not 0.94999999999999996.
std::string format_number(double value) {
  std::array<char, 32> text{};
  const auto [end, error] = std::to_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() ? std::string(text.data(), end) : std::string("?");
}

// A bound as the option's values are written: 1000000000 for an integer, not 1e+09.
std::string format_bound(const OptionSpec& spec, double bound) {
  if (spec.type == OptionType::integer) return std::to_string(static_cast<std::int64_t>(bound));
  return format_number(bound);
}

bool holds_type(const OptionValue& value, OptionType type) {
  switch (type) {
    case OptionType::boolean:
      return std::holds_alternative<bool>(value);
    case OptionType::integer:
      return std::holds_alternative<std::int64_t>(value);
    case OptionType::number:
      return std::holds_alternative<double>(value);
    case OptionType::string:
      return std::holds_alternative<std::string>(value);
  }
  return false;
}

std::optional<double> numeric(const OptionValue& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    return static_cast<double>(*integer);
  }
  if (const auto* number = std::get_if<double>(&value)) return *number;
  return std::nullopt;
}

std::string join_choices(const std::vector<OptionValue>& choices) {
  std::string text;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) text += ", ";
    text += to_string(choices[i]);
  }
  return text;
}

}  // namespace

std::string to_string(const OptionValue& value) {
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return std::to_string(*integer);
  if (const auto* number = std::get_if<double>(&value)) return format_number(*number);
  return std::get<std::string>(value);
}

const char* type_name(OptionType type) noexcept {
  switch (type) {
    case OptionType::boolean:
      return "a boolean";
    case OptionType::integer:
      return "an integer";
    case OptionType::number:
      return "a number";
    case OptionType::string:
      return "a string";
  }
  return "a value";
}

OptionSpec OptionSpec::boolean(std::string name, bool default_value, std::string help) {
  return {std::move(name), OptionType::boolean, default_value, std::move(help), {}, {}, {}};
}

OptionSpec OptionSpec::integer(std::string name, std::int64_t default_value, std::string help,
                               std::optional<double> minimum, std::optional<double> maximum) {
  return {std::move(name), OptionType::integer, default_value, std::move(help), {}, minimum,
          maximum};
}

OptionSpec OptionSpec::number(std::string name, double default_value, std::string help,
                              std::optional<double> minimum, std::optional<double> maximum) {
  return {std::move(name), OptionType::number, default_value, std::move(help), {}, minimum,
          maximum};
}

OptionSpec OptionSpec::string(std::string name, std::string default_value, std::string help) {
  return {
      std::move(name), OptionType::string, std::move(default_value), std::move(help), {}, {}, {}};
}

OptionSpec OptionSpec::choice(std::string name, std::vector<std::string> choices,
                              std::string default_value, std::string help) {
  OptionSpec spec = string(std::move(name), std::move(default_value), std::move(help));
  for (auto& choice : choices)
    spec.choices.emplace_back(std::move(choice));
  return spec;
}

OptionSpec OptionSpec::integer_choice(std::string name, std::vector<std::int64_t> choices,
                                      std::int64_t default_value, std::string help) {
  OptionSpec spec = integer(std::move(name), default_value, std::move(help));
  for (std::int64_t choice : choices)
    spec.choices.emplace_back(choice);
  return spec;
}

OptionsSchema& OptionsSchema::add(OptionSpec spec) {
  if (find(spec.name) != nullptr) {
    throw Error(ErrorCategory::internal, "option '" + spec.name + "' declared twice");
  }
  specs_.push_back(std::move(spec));
  return *this;
}

const OptionSpec* OptionsSchema::find(std::string_view name) const noexcept {
  for (const OptionSpec& spec : specs_) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string check_option_value(const OptionSpec& spec, const OptionValue& value) {
  if (!holds_type(value, spec.type)) {
    return std::string("expected ") + type_name(spec.type) + ", got '" + to_string(value) + "'";
  }
  if (!spec.choices.empty()) {
    for (const OptionValue& choice : spec.choices) {
      if (choice == value) return {};
    }
    return "expected one of " + join_choices(spec.choices) + ", got " + to_string(value);
  }
  if (const auto number = numeric(value)) {
    if (!std::isfinite(*number)) return "expected a finite number, got " + to_string(value);
    if (spec.minimum && *number < *spec.minimum) {
      return "must be at least " + format_bound(spec, *spec.minimum) + ", got " + to_string(value);
    }
    if (spec.maximum && *number > *spec.maximum) {
      return "must be at most " + format_bound(spec, *spec.maximum) + ", got " + to_string(value);
    }
  }
  return {};
}

Options Options::defaults(const OptionsSchema& schema) {
  Options options;
  for (const OptionSpec& spec : schema.specs())
    options.set(spec.name, spec.default_value);
  return options;
}

void Options::set(const std::string& name, OptionValue value) {
  values_.insert_or_assign(name, std::move(value));
}

bool Options::contains(std::string_view name) const noexcept {
  return values_.find(name) != values_.end();
}

const OptionValue& Options::at(std::string_view name) const {
  auto found = values_.find(name);
  if (found == values_.end()) {
    throw Error(ErrorCategory::internal, "option '" + std::string(name) + "' is not declared");
  }
  return found->second;
}

namespace {

template <class T>
const T& typed(const OptionValue& value, std::string_view name) {
  if (const auto* typed_value = std::get_if<T>(&value)) return *typed_value;
  throw Error(ErrorCategory::internal,
              "option '" + std::string(name) + "' read with the wrong type");
}

}  // namespace

bool Options::get_bool(std::string_view name) const {
  return typed<bool>(at(name), name);
}

std::int64_t Options::get_int(std::string_view name) const {
  return typed<std::int64_t>(at(name), name);
}

double Options::get_number(std::string_view name) const {
  return typed<double>(at(name), name);
}

const std::string& Options::get_string(std::string_view name) const {
  return typed<std::string>(at(name), name);
}

}  // namespace lrq
