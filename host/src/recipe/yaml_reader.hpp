// Reads the nodes of a recipe file, keeping the file, line and column of each for the errors.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>
#include <string>

#include "recipe/recipe.hpp"

namespace lrq::host {

class YamlReader {
 public:
  explicit YamlReader(std::filesystem::path source) : source_(std::move(source)) {}

  const std::filesystem::path& source() const noexcept { return source_; }
  Location at(const YAML::Node& node) const;

  // Throws lrq::Error (recipe) "<location>: <message>".
  [[noreturn]] static void fail(const Location& location, const std::string& message);

  // yaml-cpp tags quoted scalars "!" and plain ones "?".
  static bool is_quoted(const YAML::Node& node);
  // "a map", "a list", "no value", "'text'" or "the string 'text'".
  static std::string kind_of(const YAML::Node& node);

  // The text of a map key, which must be a scalar not seen before in its map. `section` prefixes
  // the errors ("format: duplicate key 'scale'").
  std::string key_of(const YAML::Node& key, std::set<std::string>& seen,
                     const std::string& section) const;
  // The text of a non-empty scalar value.
  static std::string scalar(const YAML::Node& value, const std::string& key, const Location& where);

  // A plugin section: a bare name, or a map with `name_key` and the plugin's options; a map
  // without `name_key` selects `default_name`, where the section has one (nullptr: it must name).
  PluginSelection plugin_section(const YAML::Node& key, const YAML::Node& node,
                                 const std::string& section, const std::string& name_key,
                                 const char* default_name = nullptr) const;

 private:
  std::filesystem::path source_;
};

}  // namespace lrq::host
