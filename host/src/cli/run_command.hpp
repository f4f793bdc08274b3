// What `run` and `quantize` share: the options that change a recipe and how it runs, and running
// the recipe.
#pragma once

#include <ostream>

#include "cli/command_line.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

// --input, --output, --format, ..., --set, --overwrite, --quiet, --profile, --dry-run, --json,
// --plugin-dir.
po::options_description conversion_options(const std::string& caption);

// Applies the command line's overrides to `recipe`, then converts (or, with --dry-run, plans and
// prints). Returns the exit code; errors are thrown as lrq::Error.
int run_conversion(Recipe recipe, const po::variables_map& values, std::ostream& out);

}  // namespace lrq::host
