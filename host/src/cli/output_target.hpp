// Where a conversion writes: the recipe's output, or a name derived from its input
// (output_name.hpp), and whether an existing file there may be replaced.
#pragma once

#include "pipeline/checkpoint.hpp"
#include "plugin_registry.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

// Sets recipe.output when it is empty, from the input, the format with its options and the
// optimizer. Throws lrq::Error: recipe (unknown format or option), plugin (its file was rejected),
// or usage when the output (or a sharded output's index) is one of the input's files, or exists
// and recipe.overwrite is off.
void settle_output(Recipe& recipe, const PluginRegistry& registry, const Checkpoint& input);

}  // namespace lrq::host
