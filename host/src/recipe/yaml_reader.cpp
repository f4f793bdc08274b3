#include "recipe/yaml_reader.hpp"

#include <algorithm>

#include "lrq/error.hpp"

namespace lrq::host {

Location YamlReader::at(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  return {source_.string(), mark.line + 1, mark.column + 1};
}

void YamlReader::fail(const Location& location, const std::string& message) {
  throw Error(ErrorCategory::recipe, location.to_string() + ": " + message);
}

bool YamlReader::is_quoted(const YAML::Node& node) {
  return node.IsScalar() && node.Tag() == "!";
}

std::string YamlReader::kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return (is_quoted(node) ? "the string '" : "'") + node.Scalar() + "'";
    default:
      return "no value";
  }
}

std::string YamlReader::key_of(const YAML::Node& key, std::set<std::string>& seen,
                               const std::string& section) const {
  const std::string where = section.empty() ? "" : section + ": ";
  if (!key.IsScalar()) fail(at(key), where + "keys must be plain words, got " + kind_of(key));
  if (!seen.insert(key.Scalar()).second) {
    fail(at(key), where + "duplicate key '" + key.Scalar() + "'");
  }
  return key.Scalar();
}

std::string YamlReader::scalar(const YAML::Node& value, const std::string& key,
                               const Location& where) {
  if (!value.IsScalar() || value.Scalar().empty()) {
    fail(where, "'" + key + "' needs a value, got " + kind_of(value));
  }
  return value.Scalar();
}

PluginSelection YamlReader::plugin_section(const YAML::Node& key, const YAML::Node& node,
                                           const std::string& section, const std::string& name_key,
                                           const char* default_name) const {
  PluginSelection selection;
  selection.section = section;
  if (node.IsScalar()) {
    selection.name = scalar(node, section, at(key));
    selection.location = at(key);
    return selection;
  }
  if (!node.IsMap()) {
    fail(at(key), "'" + section + "' must be a plugin name or a map with '" + name_key +
                      "' and options, got " + kind_of(node));
  }
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const std::string option = key_of(entry.first, seen, section);
    const YAML::Node& value = entry.second;
    if (option == name_key) {
      selection.name = scalar(value, section + "." + option, at(entry.first));
      selection.location = at(entry.first);
    } else if (value.IsScalar()) {
      selection.options.push_back({option, value.Scalar(), "", at(entry.first), is_quoted(value)});
    } else {
      selection.options.push_back({option, std::nullopt, kind_of(value), at(entry.first)});
      if (value.IsSequence() && std::all_of(value.begin(), value.end(), [](const YAML::Node& item) {
            return item.IsScalar();
          })) {
        for (const YAML::Node& item : value)
          selection.options.back().items.push_back(item.Scalar());
      }
    }
  }
  if (selection.name.empty() && default_name != nullptr) {
    selection.name = default_name;
    selection.location = at(key);
  }
  if (selection.name.empty()) fail(at(key), section + ": missing key '" + name_key + "'");
  return selection;
}

}  // namespace lrq::host
