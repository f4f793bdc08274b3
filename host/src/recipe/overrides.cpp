#include "recipe/overrides.hpp"

#include "lrq/error.hpp"
#include "recipe/calibration_section.hpp"
#include "recipe/settings.hpp"
#include "recipe/suggest.hpp"

namespace lrq::host {
namespace {

Location command_line(const std::string& what) {
  return {"command line (" + what + ")", 0, 0};
}

[[noreturn]] void fail(const Location& location, const std::string& message) {
  throw Error(ErrorCategory::recipe, location.to_string() + ": " + message);
}

void replace_plugin(PluginSelection& selection, const std::optional<std::string>& name,
                    const std::string& flag) {
  if (!name) return;
  selection.name = *name;
  selection.location = command_line(flag + " " + *name);
  selection.options.clear();
}

PluginSelection* section_named(Recipe& recipe, const std::string& section) {
  for (PluginSelection* selection :
       {&recipe.format, &recipe.optimizer, &recipe.model, &recipe.backend}) {
    if (selection->section == section) return selection;
  }
  return nullptr;
}

void set_option(Recipe& recipe, PluginSelection& selection, const std::string& key,
                const std::string& value, const Location& location) {
  if (selection.section == "model") {
    if (const Setting* setting = find_setting(key, model_host_settings())) {
      assign_setting(recipe, *setting, value, false, location);
      return;
    }
  }
  const bool names_plugin = key == (selection.section == "model" ? "profile" : "name");
  if (names_plugin) {  // another plugin: its options go back to their defaults, as with --format
    selection.name = value;
    selection.location = location;
    selection.options.clear();
    return;
  }
  selection.set({key, value, "", location});
}

void apply_set(Recipe& recipe, const std::string& assignment) {
  const Location location = command_line("--set " + assignment);
  const std::size_t equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    fail(location, "--set takes KEY=VALUE, e.g. --set format.scale=row");
  }
  const std::string key = assignment.substr(0, equals);
  const std::string value = assignment.substr(equals + 1);
  if (value.empty()) fail(location, "'" + key + "' needs a value");
  const std::size_t dot = key.find('.');
  if (dot == std::string::npos) {
    if (key == "input" || key == "output") {
      (key == "input" ? recipe.input : recipe.output) = value;
      (key == "input" ? recipe.input_location : recipe.output_location) = location;
    } else if (const Setting* setting = find_setting(key)) {
      assign_setting(recipe, *setting, value, false, location);
    } else {
      std::vector<std::string> keys = {"input", "output"};
      for (const Setting& known : recipe_settings())
        keys.emplace_back(known.key);
      fail(location, "cannot set '" + key + "'" + did_you_mean(key, keys) + "; use " + join(keys) +
                         " or SECTION.OPTION");
    }
    return;
  }
  const std::string section = key.substr(0, dot);
  if (section == "calibration") {
    set_calibration(recipe.calibration, key.substr(dot + 1), value, location);
    return;
  }
  PluginSelection* selection = section_named(recipe, section);
  if (selection == nullptr) {
    fail(location,
         "unknown section '" + section + "'" +
             did_you_mean(section, {"format", "optimizer", "model", "backend", "calibration"}));
  }
  set_option(recipe, *selection, key.substr(dot + 1), value, location);
}

}  // namespace

void apply_overrides(Recipe& recipe, const RecipeOverrides& overrides) {
  const Location recipe_input = recipe.input_location;
  const Location recipe_output = recipe.output_location;
  if (overrides.input) {
    recipe.input = *overrides.input;
    recipe.input_location = command_line("--input");
  }
  if (overrides.output) {
    recipe.output = *overrides.output;
    recipe.output_location = command_line("--output");
  }
  replace_plugin(recipe.format, overrides.format, "--format");
  replace_plugin(recipe.optimizer, overrides.optimizer, "--optimizer");
  replace_plugin(recipe.model, overrides.model, "--model");
  replace_plugin(recipe.backend, overrides.backend, "--backend");
  for (const std::string& assignment : overrides.sets)
    apply_set(recipe, assignment);
  if (overrides.overwrite) recipe.overwrite = true;
  if (recipe.input_location != recipe_input && recipe.output_location == recipe_output) {
    recipe.output.clear();
    recipe.output_location = {};
  }
}

void require_input(const Recipe& recipe) {
  if (recipe.input.empty()) {
    fail({recipe.source.string(), 1, 1}, "missing key 'input' (or give --input)");
  }
}

}  // namespace lrq::host
