#include "recipe/plugin_options.hpp"

#include <cmath>

#include "lrq/error.hpp"
#include "recipe/number_text.hpp"
#include "recipe/suggest.hpp"

namespace lrq::host {
namespace {

std::optional<OptionValue> parse_value(OptionType type, const std::string& text) {
  switch (type) {
    case OptionType::boolean:
      if (auto value = parse_flag(text)) return OptionValue(*value);
      return std::nullopt;
    case OptionType::integer:
      if (auto value = parse_number<std::int64_t>(text)) return OptionValue(*value);
      return std::nullopt;
    case OptionType::number:
      if (auto value = parse_number<double>(text); value && std::isfinite(*value)) {
        return OptionValue(*value);
      }
      return std::nullopt;
    case OptionType::string:
      return OptionValue(text);
  }
  return std::nullopt;
}

std::vector<std::string> option_names(const OptionsSchema& schema) {
  std::vector<std::string> names;
  for (const OptionSpec& spec : schema.specs())
    names.push_back(spec.name);
  return names;
}

}  // namespace

Options resolve_options(const PluginSelection& selection, const OptionsSchema& schema) {
  Options options = Options::defaults(schema);
  for (const RawOption& raw : selection.options) {
    const std::string where = raw.location.to_string() + ": " + selection.section + "." + raw.key;
    const OptionSpec* spec = schema.find(raw.key);
    if (spec == nullptr) {
      const std::vector<std::string> names = option_names(schema);
      const std::string known =
          names.empty() ? "it takes no options" : "its options: " + join(names);
      throw Error(ErrorCategory::recipe, where + ": unknown key for " + selection.section + " '" +
                                             selection.name + "'" + did_you_mean(raw.key, names) +
                                             "; " + known);
    }
    if (!raw.scalar) {
      throw Error(ErrorCategory::recipe,
                  where + ": expected " + type_name(spec->type) + ", got " + raw.non_scalar_kind);
    }
    const bool quoted_non_string = raw.quoted && spec->type != OptionType::string;
    const std::optional<OptionValue> value =
        quoted_non_string ? std::nullopt : parse_value(spec->type, *raw.scalar);
    if (!value) {
      throw Error(ErrorCategory::recipe, where + ": expected " + type_name(spec->type) + ", got " +
                                             (raw.quoted ? "the string '" : "'") + *raw.scalar +
                                             "'");
    }
    if (const std::string problem = check_option_value(*spec, *value); !problem.empty()) {
      throw Error(ErrorCategory::recipe, where + ": " + problem);
    }
    options.set(spec->name, *value);
  }
  return options;
}

}  // namespace lrq::host
