// What the host does with a recipe before it opens the input: the override rules tried on layer
// names, the resolved recipe as JSON and the routes configured by the in-tree format, optimizer and
// model plugins (loaded once), which check every option against their schemas.
#pragma once

#include "recipe/recipe.hpp"

namespace lrq::fuzz {

void check_recipe(const host::Recipe& recipe);

}  // namespace lrq::fuzz
