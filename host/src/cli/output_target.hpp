// Where a conversion writes: the recipe's output, or a name derived from its input
// (output_name.hpp), and whether what it writes may replace what is there.
#pragma once

#include <filesystem>
#include <optional>

#include "pipeline/checkpoint.hpp"
#include "pipeline/conversion_plan.hpp"
#include "plugin_registry.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

// Sets recipe.output when it is empty, from the input, the format with its options and the
// optimizer. Throws lrq::Error: recipe (unknown format or option), plugin (its file was rejected).
void settle_output(Recipe& recipe, const PluginRegistry& registry);

// Before anything is written, checks every file the conversion writes (the output, or its shards
// and index; the report and its HTML page; `profile_json`) against every file it reads (the input's
// files, `recipe_file`, the activation statistics, the plugin files loaded) and each other
// (CommandFiles::check). Throws lrq::Error (usage) naming the paths when one would replace another,
// a file to write is not a regular file, or the output (a sharded output's index) exists and
// recipe.overwrite is off.
void check_conversion_files(const Recipe& recipe, const PluginRegistry& registry,
                            const Checkpoint& input, const ConversionPlan& plan,
                            const std::optional<std::filesystem::path>& recipe_file,
                            const std::optional<std::filesystem::path>& profile_json);

}  // namespace lrq::host
