// lrq-host run RECIPE: converts a checkpoint as the recipe (and command-line overrides) say.
#include <filesystem>

#include "cli/command_line.hpp"
#include "cli/conversion_summary.hpp"
#include "cli/profile_summary.hpp"
#include "cli/terminal_progress.hpp"
#include "pipeline/configured_plugins.hpp"
#include "pipeline/conversion_plan.hpp"
#include "pipeline/converter.hpp"
#include "pipeline/json_file.hpp"
#include "pipeline/report.hpp"
#include "profile/conversion_profiler.hpp"
#include "profile/profile_json.hpp"
#include "recipe/overrides.hpp"

namespace lrq::host {
namespace {

template <class Value>
std::optional<Value> optional_value(const po::variables_map& values, const char* key) {
  if (values.count(key) == 0) return std::nullopt;
  return values[key].as<Value>();
}

RecipeOverrides overrides_from(const po::variables_map& values) {
  RecipeOverrides overrides;
  overrides.input = optional_value<std::string>(values, "input");
  overrides.output = optional_value<std::string>(values, "output");
  overrides.format = optional_value<std::string>(values, "format");
  overrides.optimizer = optional_value<std::string>(values, "optimizer");
  overrides.model = optional_value<std::string>(values, "model");
  overrides.backend = optional_value<std::string>(values, "backend");
  if (values.count("set") != 0) overrides.sets = values["set"].as<std::vector<std::string>>();
  return overrides;
}

// "  [plugin fp8 0.1.0, /usr/lib/lrq/plugins/liblrq-format-fp8.so]"
template <class Factory>
std::string origin(const std::shared_ptr<const Factory>& factory) {
  const LoadedLibrary& library = *factory->library();
  return "  [plugin " + library.name + " " + library.version + ", " + library.path.string() + "]";
}

}  // namespace

int run_command(const Arguments& arguments, std::ostream& out) {
  po::options_description options("run options");
  options.add_options()("recipe", po::value<std::string>()->required(), "the YAML recipe")(
      "input,i", po::value<std::string>(), "input safetensors file (overrides the recipe)")(
      "output,o", po::value<std::string>(), "output safetensors file (overrides the recipe)")(
      "format", po::value<std::string>(), "format plugin; its options reset to defaults")(
      "optimizer", po::value<std::string>(), "optimizer plugin; its options reset to defaults")(
      "model", po::value<std::string>(), "model profile plugin")(
      "backend", po::value<std::string>(), "backend plugin; its options reset to defaults")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "KEY=VALUE, e.g. format.scale=row or seed=7 (repeatable)")("quiet,q", po::bool_switch(),
                                                                 "print only the output path")(
      "profile", po::bool_switch(), "time each stage; print the profile and add it to the report")(
      "profile-json", po::value<std::string>(),
      "time each stage and write the profile to this JSON file (for lrq-host bench)");
  add_plugin_dir_option(options);
  po::positional_options_description positional;
  positional.add("recipe", 1);
  po::variables_map values;
  if (!parse_arguments(arguments, "lrq-host run RECIPE [options]", options, positional, values,
                       out)) {
    return 0;
  }

  Recipe recipe = load_recipe(values["recipe"].as<std::string>());
  apply_overrides(recipe, overrides_from(values));
  require_paths(recipe);

  PluginRegistry registry;
  load_recipe_plugins(recipe, plugin_directories(values), registry);
  const ConfiguredPlugins plugins = configure_plugins(recipe, registry);

  const SafetensorsReader input(recipe.input);
  const ConversionPlan plan =
      make_plan(input, *plugins.model, *plugins.format, recipe.bias_correction);
  const bool quiet = values["quiet"].as<bool>();
  std::optional<TerminalProgress> progress;
  if (!quiet) progress.emplace();
  const ConversionSettings settings{recipe.seed, recipe.reference_compat, recipe.report,
                                    static_cast<std::int64_t>(recipe.calib_samples)};
  const std::optional<std::string> profile_file =
      optional_value<std::string>(values, "profile-json");
  std::optional<ConversionProfiler> profiler;
  if (values["profile"].as<bool>() || profile_file) profiler.emplace(*plugins.backend);
  const ConversionResult result = convert(
      input, plan,
      {*plugins.format, *plugins.optimizer, profiler ? profiler->backend() : *plugins.backend},
      settings, std::filesystem::absolute(recipe.output), progress ? &*progress : nullptr);
  progress.reset();
  std::optional<ConversionProfile> profile;
  if (profiler) profile = profiler->profile(result.seconds);
  if (profile_file) write_json_file(*profile_file, profile_json(*profile), "the profile");

  const BackendInfo backend = plugins.backend->info();
  const std::string format = recipe.format.name + ": " + plugins.format->description();
  const std::string backend_text = backend.name + ": " + backend.device;
  std::optional<std::filesystem::path> report;
  if (recipe.report) {
    report = report_path(result.output);
    write_report(*report,
                 {recipe.input.string(), format, recipe.optimizer.name, recipe.model.name,
                  backend_text, recipe.seed, recipe.reference_compat, recipe.bias_correction,
                  static_cast<std::int64_t>(recipe.calib_samples)},
                 result, profile ? &*profile : nullptr);
  }
  if (quiet) {
    out << result.output.string() << '\n';
    return 0;
  }
  const RunDescription description{
      recipe.input.string(),
      format + origin(registry.format(recipe.format.name)),
      plugins.format->comfy_format(),
      recipe.optimizer.name + origin(registry.optimizer(recipe.optimizer.name)),
      recipe.model.name + origin(registry.model_profile(recipe.model.name)),
      backend_text + origin(registry.backend(recipe.backend.name)),
      report};
  print_conversion_summary(description, result, out);
  if (profile && values["profile"].as<bool>()) print_profile(*profile, out);
  return 0;
}

}  // namespace lrq::host
