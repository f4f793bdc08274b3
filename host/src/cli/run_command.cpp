// lrq-host run RECIPE: converts a checkpoint as the recipe (and command-line overrides) say, or
// with --dry-run prints what it would do.
#include "cli/run_command.hpp"

#include <filesystem>

#include "cli/conversion_summary.hpp"
#include "cli/dry_run.hpp"
#include "cli/output_target.hpp"
#include "cli/profile_summary.hpp"
#include "cli/progress_options.hpp"
#include "cli/run_summary_json.hpp"
#include "lrq/error.hpp"
#include "lrq/log.hpp"
#include "pipeline/calibration_plan.hpp"
#include "pipeline/configured_plugins.hpp"
#include "pipeline/conversion_plan.hpp"
#include "pipeline/converter.hpp"
#include "pipeline/json_file.hpp"
#include "pipeline/output_check.hpp"
#include "pipeline/output_shards.hpp"
#include "pipeline/provenance.hpp"
#include "pipeline/report.hpp"
#include "pipeline/run_subject.hpp"
#include "pipeline/staged_files.hpp"
#include "pipeline/verdict.hpp"
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
  if (values.count("shard-size") != 0) {
    overrides.sets.push_back("shard_size=" + values["shard-size"].as<std::string>());
  }
  overrides.overwrite = values["overwrite"].as<bool>();
  return overrides;
}

// "  [plugin fp8 0.1.0, /usr/lib/lrq/plugins/liblrq-format-fp8.so]"
template <class Factory>
std::string origin(const std::shared_ptr<const Factory>& factory) {
  const LoadedLibrary& library = *factory->library();
  return "  [plugin " + library.name + " " + library.version + ", " + library.path.string() + "]";
}

// "flux (auto: score 40, 19 double blocks, ...)" or "generic"
std::string profile_text(const SelectedProfile& profile) {
  if (!profile.automatic) return profile.name;
  return profile.name + " (auto: score " + std::to_string(profile.match.score) + ", " +
         profile.match.reason + ")";
}

// "[0] 'img_mlp': int8_block / rtn" per rule.
std::vector<std::string> override_lines(const QuantizationRoutes& routes) {
  std::vector<std::string> lines;
  for (const OverrideRoute& override_route : routes.overrides) {
    const QuantizationRoute* route = override_route.route.get();
    lines.push_back(override_route.rule.label() + ": " +
                    (route == nullptr ? "skip" : route->label()));
  }
  return lines;
}

void warn_where_learning_did_not_pay(const ConversionResult& result) {
  for (const OptimizerVerdict& verdict : verdicts(result.layers)) {
    if (!verdict.paid()) log(LogLevel::warning, did_not_pay_warning(verdict));
  }
}

// What the recipe asks for, ready to run: its plugins and the plan of every tensor.
struct PlannedRun {
  Recipe recipe;
  PluginRegistry registry;
  ConfiguredBackend backend;  // a dry run's is checked, not created: no workers
  QuantizationRoutes routes;
  std::optional<Checkpoint> input;
  SelectedProfile profile;
  ConversionPlan plan;
  CalibrationFiles calibration;
  CalibrationCoverage coverage;
};

void plan_run(PlannedRun& run, const po::variables_map& values, bool dry_run) {
  Recipe& recipe = run.recipe;
  apply_overrides(recipe, overrides_from(values));
  require_input(recipe);
  load_recipe_plugins(recipe, plugin_directories(values), run.registry);
  run.input.emplace(recipe.input);
  settle_output(recipe, run.registry);
  if (dry_run) log(LogLevel::info, "output: " + recipe.output.string());
  run.backend = configure_backend(recipe, run.registry,
                                  dry_run ? BackendUse::not_needed : BackendUse::needed);
  run.routes = configure_routes(recipe, run.registry);
  run.profile = select_profile(recipe, run.registry, model_index(*run.input));
  run.plan = make_plan(*run.input, run.profile, run.routes, recipe.bias_correction);
  CalibrationSettings calibration = recipe.calibration;
  if (!recipe.report) calibration.holdout.clear();  // held-out statistics serve the report only
  run.calibration = open_calibration(calibration);
  run.coverage = attach_statistics(run.plan, run.calibration, calibration);
  if (dry_run && (run.calibration.inputs || run.calibration.holdout)) {
    log(LogLevel::info, "calibration: " + describe_calibration(run.calibration, run.coverage));
  }
  check_conversion_files(recipe, run.registry, *run.input, run.plan,
                         optional_value<std::string>(values, "recipe"),
                         optional_value<std::string>(values, "profile-json"));
  if (dry_run) check_output_path(recipe.output);
}

RunSubject subject_of(const PlannedRun& run) {
  return run_subject(run.recipe, run.registry, run.routes, run.profile, run.backend);
}

int convert_planned(const PlannedRun& run, const po::variables_map& values, std::ostream& out) {
  const Recipe& recipe = run.recipe;
  const bool quiet = values["quiet"].as<bool>();
  // Before the progress display: their interrupt handlers must be undone in reverse order.
  StagedFiles staged(
      output_commit_point(std::filesystem::absolute(recipe.output), recipe.shard_size));
  std::unique_ptr<ProgressDisplay> progress = progress_display(values);
  ConversionSettings settings{recipe.seed, recipe.reference_compat, recipe.report,
                              static_cast<std::int64_t>(recipe.calib_samples)};
  settings.shard_size = recipe.shard_size;
  settings.provenance = provenance_metadata(recipe, run.registry, run.routes, run.profile.name);
  const std::optional<std::string> profile_file =
      optional_value<std::string>(values, "profile-json");
  std::optional<ConversionProfiler> profiler;
  const std::vector<Backend*> workers = run.backend.worker_pointers();
  if (values["profile"].as<bool>() || profile_file) profiler.emplace(workers);
  const ConversionResult result =
      convert(*run.input, run.plan, profiler ? profiler->backends() : workers, settings, staged,
              progress.get());
  progress.reset();
  std::optional<ConversionProfile> profile;
  if (profiler) profile = profiler->profile(result.seconds);
  if (profile_file) {
    write_json_file(staged.stage(*profile_file), profile_document(*profile), "the profile");
  }

  const BackendInfo backend = run.backend.first().info();
  RunSubject subject = subject_of(run);
  subject.output = result.output;
  subject.plugins["backend"]["device"] = run.backend.device_text();
  const std::string format =
      recipe.format.name + ": " + run.routes.primary->format.object->description();
  const std::string backend_text = backend.name + ": " + run.backend.device_text();
  std::optional<std::filesystem::path> report;
  if (recipe.report) {
    report = report_path(result.output);
    write_report(staged, *report,
                 {subject, recipe.seed, recipe.reference_compat, recipe.bias_correction,
                  static_cast<std::int64_t>(recipe.calib_samples),
                  recipe.calibration.stats.string(), recipe.calibration.holdout.string(),
                  recipe.calibration.missing == MissingStatistics::rtn ? "rtn" : "error",
                  run.coverage, settings.provenance},
                 result, profile ? &*profile : nullptr);
  }
  staged.commit();
  warn_where_learning_did_not_pay(result);
  if (values["json"].as<bool>()) {
    print_run_json(subject, result, report, profile ? &*profile : nullptr, out);
    return 0;
  }
  if (quiet) {
    out << result.output.string() << '\n';
    return 0;
  }
  const PluginRegistry& registry = run.registry;
  const RunDescription description{
      recipe.input.string(),
      format + origin(registry.format(recipe.format.name)),
      recipe.optimizer.name + origin(registry.optimizer(recipe.optimizer.name)),
      profile_text(run.profile) + origin(registry.model_profile(run.profile.name)),
      override_lines(run.routes),
      backend_text + origin(registry.backend(recipe.backend.name)),
      describe_calibration(run.calibration, run.coverage),
      report};
  print_conversion_summary(description, result, out);
  if (profile && values["profile"].as<bool>()) print_profile(*profile, out);
  return 0;
}

}  // namespace

po::options_description conversion_options(const std::string& caption) {
  po::options_description options(caption);
  options.add_options()("input,i", po::value<std::string>(),
                        "input safetensors file, shard index or directory (overrides the recipe)")(
      "output,o", po::value<std::string>(),
      "output safetensors file (overrides the recipe; default: derived from the input)")(
      "shard-size", po::value<std::string>(),
      "write the output in shards of at most SIZE (5GB, 500MB, bytes) with an index")(
      "format", po::value<std::string>(), "format plugin; its options reset to defaults")(
      "optimizer", po::value<std::string>(), "optimizer plugin; its options reset to defaults")(
      "model", po::value<std::string>(), "model profile plugin")(
      "backend", po::value<std::string>(), "backend plugin; its options reset to defaults")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "KEY=VALUE, e.g. format.scale=row or seed=7 (repeatable)")(
      "overwrite", po::bool_switch(), "replace the output file if it exists")(
      "quiet,q", po::bool_switch(),
      "print only the output path: no progress or summary, messages from warnings up")(
      "profile", po::bool_switch(), "time each stage; print the profile and add it to the report")(
      "profile-json", po::value<std::string>(),
      "time each stage and write the profile to this JSON file (for lrq-host bench)")(
      "dry-run", po::bool_switch(),
      "print what would happen to every tensor and write nothing (no backend is needed)")(
      "json", po::bool_switch(),
      "print one JSON document instead: the plan with --dry-run, else the run's summary");
  add_plugin_dir_option(options);
  add_progress_options(options);
  return options;
}

int run_conversion(Recipe recipe, const po::variables_map& values, std::ostream& out) {
  const bool dry_run = values["dry-run"].as<bool>();

  PlannedRun run;
  run.recipe = std::move(recipe);
  plan_run(run, values, dry_run);
  if (!dry_run) return convert_planned(run, values, out);
  if (values["json"].as<bool>()) {
    print_dry_run_json(subject_of(run), run.plan, out);
  } else {
    print_dry_run(run.recipe.input, run.profile, run.plan, out);
  }
  return 0;
}

int run_command(const Arguments& arguments, std::ostream& out) {
  po::options_description options = conversion_options("run options");
  options.add_options()("recipe", po::value<std::string>()->required(), "the YAML recipe");
  po::positional_options_description positional;
  positional.add("recipe", 1);
  po::variables_map values;
  if (!parse_arguments(arguments, "lrq-host run RECIPE [options]", options, positional, values,
                       out)) {
    return 0;
  }
  return run_conversion(load_recipe(values["recipe"].as<std::string>()), values, out);
}

}  // namespace lrq::host
