#include "recipe/layer_overrides.hpp"

#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include "recipe/number_text.hpp"
#include "recipe/suggest.hpp"

namespace lrq::host {
namespace {

const std::vector<std::string>& rule_keys() {
  static const std::vector<std::string> keys = {"match", "format", "optimizer", "skip"};
  return keys;
}

// The pattern as a message shows it: a long one cut after its first 80 bytes.
std::string shown(const std::string& pattern) {
  constexpr std::size_t kShown = 80;
  return pattern.size() <= kShown ? pattern : pattern.substr(0, kShown) + "...";
}

LayerPattern compile(const std::string& pattern, const std::string& rule, const Location& where) {
  try {
    return LayerPattern(pattern);
  } catch (const std::invalid_argument& error) {
    YamlReader::fail(where,
                     rule + ".match: invalid regex '" + shown(pattern) + "': " + error.what());
  }
}

LayerOverride parse_rule(const YamlReader& yaml, const YAML::Node& node, std::size_t index) {
  LayerOverride rule;
  rule.index = index;
  rule.location = yaml.at(node);
  const std::string name = "overrides[" + std::to_string(index) + "]";
  if (!node.IsMap()) {
    YamlReader::fail(rule.location, name +
                                        ": a rule is a map with 'match' and format, optimizer "
                                        "or skip, got " +
                                        YamlReader::kind_of(node));
  }
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const std::string key = yaml.key_of(entry.first, seen, name);
    const YAML::Node& value = entry.second;
    const Location where = yaml.at(entry.first);
    if (key == "match") {
      rule.pattern = YamlReader::scalar(value, name + ".match", where);
      rule.regex = compile(rule.pattern, name, where);
    } else if (key == "format" || key == "optimizer") {
      (key == "format" ? rule.format : rule.optimizer) =
          yaml.plugin_section(entry.first, value, name + "." + key, "name");
    } else if (key == "skip") {
      const std::optional<bool> skip =
          YamlReader::is_quoted(value)
              ? std::nullopt
              : parse_flag(YamlReader::scalar(value, name + ".skip", where));
      if (!skip) {
        YamlReader::fail(where,
                         name + ".skip: must be true or false, got " + YamlReader::kind_of(value));
      }
      rule.skip = *skip;
    } else {
      YamlReader::fail(where, name + ": unknown key '" + key + "'" +
                                  did_you_mean(key, rule_keys()) +
                                  "; rule keys: " + join(rule_keys()));
    }
  }
  if (rule.pattern.empty()) YamlReader::fail(rule.location, name + ": missing key 'match'");
  const bool sets_plugin = rule.format || rule.optimizer;
  if (rule.skip && sets_plugin) {
    YamlReader::fail(rule.location, name +
                                        ": 'skip: true' keeps the layers unquantized; it "
                                        "cannot go with format or optimizer");
  }
  if (!rule.skip && !sets_plugin) {
    YamlReader::fail(rule.location,
                     name + ": the rule sets nothing; give format, optimizer or skip: true");
  }
  return rule;
}

}  // namespace

std::string LayerOverride::label() const {
  return "override[" + std::to_string(index) + "] '" + pattern + "'";
}

bool LayerOverride::matches(const std::string& layer_name) const {
  return regex.found_in(layer_name);
}

std::vector<LayerOverride> parse_layer_overrides(const YamlReader& yaml, const YAML::Node& key,
                                                 const YAML::Node& rules) {
  if (!rules.IsSequence()) {
    YamlReader::fail(yaml.at(key),
                     "'overrides' must be a list of rules (maps with 'match' and "
                     "format, optimizer or skip), got " +
                         YamlReader::kind_of(rules));
  }
  std::vector<LayerOverride> parsed;
  for (std::size_t i = 0; i < rules.size(); ++i)
    parsed.push_back(parse_rule(yaml, rules[i], i));
  return parsed;
}

}  // namespace lrq::host
