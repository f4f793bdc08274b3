#include "recipe/recipe.hpp"

#include <algorithm>
#include <set>

#include "lrq/error.hpp"
#include "pipeline/file_identity.hpp"
#include "recipe/calibration_section.hpp"
#include "recipe/layer_overrides.hpp"
#include "recipe/settings.hpp"
#include "recipe/suggest.hpp"
#include "recipe/yaml_reader.hpp"

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
    {"model", "profile", kAutoProfile, &Recipe::model},
    {"backend", "name", "cpu", &Recipe::backend},
};

// Names each section and gives the ones left out their default plugin; a required section left out
// is an error at `where`.
void complete_sections(Recipe& recipe, const Location& where) {
  for (const SectionRule& rule : kSections) {
    PluginSelection& selection = recipe.*(rule.member);
    selection.section = rule.key;
    if (!selection.name.empty()) continue;
    if (rule.default_name == nullptr) {
      YamlReader::fail(where, std::string("missing key '") + rule.key + "'");
    }
    selection.name = rule.default_name;
    selection.location = {"default", 0, 0};
  }
}

class RecipeParser {
 public:
  explicit RecipeParser(std::filesystem::path source) : yaml_(std::move(source)) {}

  Recipe parse(const YAML::Node& root) {
    if (!root.IsMap()) {
      YamlReader::fail(yaml_.at(root), "a recipe is a map of keys (" + join(recipe_keys()) +
                                           "), got " + YamlReader::kind_of(root));
    }
    Recipe recipe;
    recipe.source = yaml_.source();
    std::set<std::string> seen;
    for (const auto& entry : root) {
      const std::string key = yaml_.key_of(entry.first, seen, "");
      const YAML::Node& value = entry.second;
      const Location where = yaml_.at(entry.first);
      if (key == "lrq") {
        if (YamlReader::scalar(value, key, where) != "1" || YamlReader::is_quoted(value)) {
          YamlReader::fail(where, "'lrq' is the recipe version; only 1 exists, got " +
                                      YamlReader::kind_of(value));
        }
      } else if (key == "input") {
        recipe.input = path_value(value, key, where);
        recipe.input_location = where;
      } else if (key == "output") {
        recipe.output = path_value(value, key, where);
        recipe.output_location = where;
      } else if (key == "overrides") {
        recipe.overrides = parse_layer_overrides(yaml_, entry.first, value);
      } else if (key == "calibration") {
        recipe.calibration = parse_calibration(yaml_, entry.first, value);
      } else if (const Setting* setting = find_setting(key)) {
        assign_setting(recipe, *setting, YamlReader::scalar(value, key, where),
                       YamlReader::is_quoted(value), where);
      } else if (const SectionRule* rule = section_rule(key)) {
        recipe.*(rule->member) =
            yaml_.plugin_section(entry.first, value, rule->key, rule->name_key, rule->default_name);
      } else {
        YamlReader::fail(where, "unknown key '" + key + "'" + did_you_mean(key, recipe_keys()) +
                                    "; recipe keys: " + join(recipe_keys()));
      }
    }
    take_model_host_settings(recipe);
    complete_sections(recipe, yaml_.at(root));
    return recipe;
  }

 private:
  static const SectionRule* section_rule(const std::string& key) {
    for (const SectionRule& rule : kSections) {
      if (key == rule.key) return &rule;
    }
    return nullptr;
  }

  // The model section's host keys (strict, heuristics, ...) are the host's, not the profile's
  // options: they leave the section before its options are checked against the profile's schema.
  static void take_model_host_settings(Recipe& recipe) {
    std::erase_if(recipe.model.options, [&recipe](const RawOption& option) {
      const Setting* setting = find_setting(option.key, model_host_settings());
      if (setting == nullptr) return false;
      if (!option.scalar) {
        YamlReader::fail(option.location,
                         "'model." + option.key + "' needs a value, got " + option.non_scalar_kind);
      }
      assign_setting(recipe, *setting, *option.scalar, option.quoted, option.location);
      return true;
    });
  }

  std::filesystem::path path_value(const YAML::Node& value, const std::string& key,
                                   const Location& where) const {
    const std::filesystem::path path = YamlReader::scalar(value, key, where);
    if (path.is_absolute()) return path;
    return (yaml_.source().parent_path() / path).lexically_normal();
  }

  YamlReader yaml_;
};

}  // namespace

Recipe default_recipe(const std::string& format) {
  Recipe recipe;
  recipe.source = "command line";
  recipe.format.name = format;
  recipe.format.location = {"default", 0, 0};
  complete_sections(recipe, {});
  return recipe;
}

void PluginSelection::set(RawOption option) {
  const auto existing = std::find_if(options.begin(), options.end(),
                                     [&](const RawOption& old) { return old.key == option.key; });
  if (existing != options.end()) {
    *existing = std::move(option);
  } else {
    options.push_back(std::move(option));
  }
}

PluginSelection inherited(const PluginSelection& rule, const PluginSelection& top_level) {
  if (rule.name != top_level.name) return rule;
  PluginSelection merged = rule;
  merged.options = top_level.options;
  for (const RawOption& option : rule.options)
    merged.set(option);
  return merged;
}

const std::vector<std::string>& recipe_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> all = {"lrq",   "input",   "output",    "format",     "optimizer",
                                    "model", "backend", "overrides", "calibration"};
    for (const Setting& setting : recipe_settings())
      all.emplace_back(setting.key);
    return all;
  }();
  return keys;
}

Recipe load_recipe(const std::filesystem::path& path) {
  // Not opened: a FIFO would wait for a writer forever.
  const std::string kind = non_regular_kind(path);
  if (!kind.empty()) {
    throw Error(ErrorCategory::recipe, path.string() + ": is " + kind + ", not a recipe file");
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
