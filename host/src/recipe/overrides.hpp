// Command-line changes to a recipe: --input/--output/--format/--backend/--optimizer/--model and
// --set section.key=value. Each becomes part of the recipe with "command line" as its location.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "recipe/recipe.hpp"

namespace lrq::host {

struct RecipeOverrides {
  std::optional<std::filesystem::path> input;   // relative to the working directory
  std::optional<std::filesystem::path> output;  // relative to the working directory
  std::optional<std::string> format;            // replaces the whole format section
  std::optional<std::string> optimizer;
  std::optional<std::string> model;
  std::optional<std::string> backend;
  std::vector<std::string> sets;  // "format.scale=row", "seed=7"
  bool overwrite = false;         // --overwrite: sets the recipe's `overwrite`
};

// An input given on the command line (--input, --set input=) drops the recipe's output, which
// names the result of the recipe's own input: unless the command line gives an output too, the
// recipe is left without one, to be derived from the input (output_name.hpp).
void apply_overrides(Recipe& recipe, const RecipeOverrides& overrides);

// Fail (recipe error) unless the recipe, with its overrides, names an input.
void require_input(const Recipe& recipe);

}  // namespace lrq::host
