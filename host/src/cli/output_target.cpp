#include "cli/output_target.hpp"

#include "lrq/error.hpp"
#include "pipeline/output_check.hpp"
#include "pipeline/output_shards.hpp"
#include "pipeline/plugin_creation.hpp"
#include "recipe/output_name.hpp"

namespace lrq::host {

void settle_output(Recipe& recipe, const PluginRegistry& registry, const Checkpoint& input) {
  if (recipe.output.empty()) {
    const auto format = registry.format(recipe.format.name);
    if (!format) fail_missing(recipe.format, PluginKind::format, registry);
    recipe.output = derived_output_path(recipe.input, recipe.format.name,
                                        resolve_options(recipe.format, format->schema()),
                                        recipe.optimizer.name);
  }
  const std::filesystem::path written =
      recipe.shard_size == 0 ? recipe.output : shard_index_path(recipe.output);
  refuse_overwriting_input(written, input);
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
