#include "cli/output_target.hpp"

#include "lrq/error.hpp"
#include "pipeline/output_check.hpp"
#include "pipeline/output_shards.hpp"
#include "pipeline/plugin_creation.hpp"
#include "pipeline/report.hpp"
#include "recipe/output_name.hpp"

namespace lrq::host {

void settle_output(Recipe& recipe, const PluginRegistry& registry) {
  if (!recipe.output.empty()) return;
  const auto format = registry.format(recipe.format.name);
  if (!format) fail_missing(recipe.format, PluginKind::format, registry);
  recipe.output =
      derived_output_path(recipe.input, recipe.format.name,
                          resolve_options(recipe.format, format->schema()), recipe.optimizer.name);
}

void check_conversion_files(const Recipe& recipe, const PluginRegistry& registry,
                            const Checkpoint& input, const ConversionPlan& plan,
                            const std::optional<std::filesystem::path>& recipe_file,
                            const std::optional<std::filesystem::path>& profile_json) {
  CommandFiles files;
  add_input_files(files, input);
  if (recipe_file) files.reads(*recipe_file, "the recipe");
  for (const auto& library : registry.libraries())
    files.reads(library->path, "the plugin " + library->name);
  if (!recipe.calibration.stats.empty()) {
    files.reads(recipe.calibration.stats, "the activation statistics");
  }
  if (!recipe.calibration.holdout.empty()) {
    files.reads(recipe.calibration.holdout, "the held-out activation statistics");
  }
  const bool sharded = recipe.shard_size != 0;
  const std::filesystem::path written = sharded ? shard_index_path(recipe.output) : recipe.output;
  files.writes(written, sharded ? "the shard index" : "the output");
  if (sharded) {
    for (const OutputShard& shard : plan_output_shards(recipe.output, plan, recipe.shard_size))
      files.writes(shard.path, "an output shard");
  }
  if (recipe.report) {
    files.writes(report_path(written), "the report");
    files.writes(html_report_path(report_path(written)), "the HTML report");
  }
  if (profile_json) files.writes(*profile_json, "the profile JSON");
  files.check();
  // A link in its place counts, even a dangling one: the writer would replace it.
  std::error_code ignored;
  if (!recipe.overwrite &&
      std::filesystem::exists(std::filesystem::symlink_status(written, ignored))) {
    throw Error(ErrorCategory::usage,
                written.string() +
                    ": the output exists; give --overwrite (or `overwrite: true` in the recipe) to "
                    "replace it");
  }
}

}  // namespace lrq::host
