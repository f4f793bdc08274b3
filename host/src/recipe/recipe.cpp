#include "recipe/recipe.hpp"

#include <yaml-cpp/yaml.h>

#include <set>

#include "lrq/error.hpp"
#include "recipe/settings.hpp"
#include "recipe/suggest.hpp"

namespace lrq::host {
namespace {

struct SectionRule {
  const char* key;
  const char* name_key;
  const char* default_name;  // nullptr: the section is required
  PluginSelection Recipe::*member;
};

constexpr SectionRule kSections[] = {
    {"format", "name", nullptr, &Recipe::format},
    {"optimizer", "name", "rtn", &Recipe::optimizer},
    {"model", "profile", "generic", &Recipe::model},
    {"backend", "name", "cpu", &Recipe::backend},
};

class RecipeParser {
 public:
  explicit RecipeParser(std::filesystem::path source) : source_(std::move(source)) {}

  Recipe parse(const YAML::Node& root) {
    if (!root.IsMap()) {
      fail(at(root),
           "a recipe is a map of keys (" + join(recipe_keys()) + "), got " + kind_of(root));
    }
    Recipe recipe;
    recipe.source = source_;
    std::set<std::string> seen;
    for (const auto& entry : root) {
      const std::string key = key_of(entry.first, seen, "");
      const YAML::Node& value = entry.second;
      const Location where = at(entry.first);
      if (key == "lrq") {
        if (scalar(value, key, where) != "1" || is_quoted(value)) {
          fail(where, "'lrq' is the recipe version; only 1 exists, got " + kind_of(value));
        }
      } else if (key == "input") {
        recipe.input = path_value(value, key, where);
        recipe.input_location = where;
      } else if (key == "output") {
        recipe.output = path_value(value, key, where);
        recipe.output_location = where;
      } else if (const Setting* setting = find_setting(key)) {
        assign_setting(recipe, *setting, scalar(value, key, where), is_quoted(value), where);
      } else if (const SectionRule* rule = section_rule(key)) {
        recipe.*(rule->member) = parse_section(entry.first, value, *rule);
      } else {
        fail(at(entry.first), "unknown key '" + key + "'" + did_you_mean(key, recipe_keys()) +
                                  "; recipe keys: " + join(recipe_keys()));
      }
    }
    for (const SectionRule& rule : kSections) {
      PluginSelection& selection = recipe.*(rule.member);
      selection.section = rule.key;
      if (!selection.name.empty()) continue;
      if (rule.default_name == nullptr) {
        fail(at(root), std::string("missing key '") + rule.key + "'");
      }
      selection.name = rule.default_name;
      selection.location = {"default", 0, 0};
    }
    return recipe;
  }

 private:
  [[noreturn]] static void fail(const Location& location, const std::string& message) {
    throw Error(ErrorCategory::recipe, location.to_string() + ": " + message);
  }

  // yaml-cpp tags quoted scalars "!" and plain ones "?".
  static bool is_quoted(const YAML::Node& node) { return node.IsScalar() && node.Tag() == "!"; }

  static std::string kind_of(const YAML::Node& node) {
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

  static const SectionRule* section_rule(const std::string& key) {
    for (const SectionRule& rule : kSections) {
      if (key == rule.key) return &rule;
    }
    return nullptr;
  }

  Location at(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    return {source_.string(), mark.line + 1, mark.column + 1};
  }

  std::string key_of(const YAML::Node& key, std::set<std::string>& seen,
                     const std::string& section) const {
    const std::string where = section.empty() ? "" : section + ": ";
    if (!key.IsScalar()) fail(at(key), where + "keys must be plain words, got " + kind_of(key));
    if (!seen.insert(key.Scalar()).second) {
      fail(at(key), where + "duplicate key '" + key.Scalar() + "'");
    }
    return key.Scalar();
  }

  static std::string scalar(const YAML::Node& value, const std::string& key,
                            const Location& where) {
    if (!value.IsScalar() || value.Scalar().empty()) {
      fail(where, "'" + key + "' needs a value, got " + kind_of(value));
    }
    return value.Scalar();
  }

  std::filesystem::path path_value(const YAML::Node& value, const std::string& key,
                                   const Location& where) const {
    const std::filesystem::path path = scalar(value, key, where);
    if (path.is_absolute()) return path;
    return (source_.parent_path() / path).lexically_normal();
  }

  PluginSelection parse_section(const YAML::Node& key, const YAML::Node& node,
                                const SectionRule& rule) const {
    PluginSelection selection;
    selection.section = rule.key;
    if (node.IsScalar()) {
      selection.name = scalar(node, rule.key, at(key));
      selection.location = at(key);
      return selection;
    }
    if (!node.IsMap()) {
      fail(at(key), std::string("'") + rule.key + "' must be a plugin name or a map with '" +
                        rule.name_key + "' and options, got " + kind_of(node));
    }
    std::set<std::string> seen;
    for (const auto& entry : node) {
      const std::string option = key_of(entry.first, seen, rule.key);
      const YAML::Node& value = entry.second;
      if (option == rule.name_key) {
        selection.name = scalar(value, std::string(rule.key) + "." + option, at(entry.first));
        selection.location = at(entry.first);
      } else if (value.IsScalar()) {
        selection.options.push_back(
            {option, value.Scalar(), "", at(entry.first), is_quoted(value)});
      } else {
        selection.options.push_back({option, std::nullopt, kind_of(value), at(entry.first)});
      }
    }
    if (selection.name.empty()) {
      fail(at(key), std::string(rule.key) + ": missing key '" + rule.name_key + "'");
    }
    return selection;
  }

  std::filesystem::path source_;
};

}  // namespace

const std::vector<std::string>& recipe_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> all = {"lrq",       "input", "output", "format",
                                    "optimizer", "model", "backend"};
    for (const Setting& setting : recipe_settings())
      all.emplace_back(setting.key);
    return all;
  }();
  return keys;
}

Recipe load_recipe(const std::filesystem::path& path) {
  std::error_code error_code;
  if (std::filesystem::is_directory(path, error_code)) {
    throw Error(ErrorCategory::recipe, path.string() + ": is a directory, not a recipe file");
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(path.string());
  } catch (const YAML::BadFile&) {
    throw Error(ErrorCategory::recipe, path.string() + ": cannot read the recipe file");
  } catch (const YAML::Exception& error) {
    const Location location{path.string(), error.mark.line + 1, error.mark.column + 1};
    throw Error(ErrorCategory::recipe, location.to_string() + ": invalid YAML: " + error.msg);
  } catch (const std::exception& error) {
    throw Error(ErrorCategory::recipe,
                path.string() + ": cannot read the recipe file: " + error.what());
  }
  return RecipeParser(path).parse(root);
}

}  // namespace lrq::host
