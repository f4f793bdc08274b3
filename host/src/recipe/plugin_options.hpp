// Turns the options written for a plugin into the typed, complete Options its factory expects,
// checking each against the plugin's schema.
#pragma once

#include "lrq/options.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

// Throws lrq::Error (recipe) naming the location and "section.key" of an unknown option, a value
// of the wrong type, or one outside the declared choices or range.
Options resolve_options(const PluginSelection& selection, const OptionsSchema& schema);

}  // namespace lrq::host
