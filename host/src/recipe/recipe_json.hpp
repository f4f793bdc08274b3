// A recipe as it runs, after the command line's overrides, as one JSON document: every key with its
// effective value, and each plugin's options complete, defaults filled in, where the plugin is
// loaded.
#pragma once

#include <nlohmann/json.hpp>

#include "plugin_registry.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

// {"lrq": 1, "input", "output" (null when none), "format": {"name", options...}, "optimizer",
// "model": {"profile", options..., "strict", "heuristics", "heuristics_block_size"}, "backend",
// "overrides": [{"match", "skip"} or {"match", "format"?, "optimizer"?}], "calibration": {"stats",
// "missing", "holdout"}, then seed, calib_samples, bias_correction, reference_compat, report,
// overwrite}. Paths as the recipe holds them; an option of a plugin that is not loaded (the backend
// of a dry run) as written, a string; the backend without `devices`. A rule's format or optimizer
// is its effective one (inheriting the top-level options for the same plugin). Throws lrq::Error
// (recipe) for an option the plugin's schema refuses.
nlohmann::ordered_json resolved_recipe_json(const Recipe& recipe, const PluginRegistry& registry);

}  // namespace lrq::host
