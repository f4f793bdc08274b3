// How an output file was made, recorded in its `__metadata__` under keys that begin with "lrq.".
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "lrq/safetensors.hpp"
#include "pipeline/quantization_routes.hpp"
#include "plugin_registry.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

inline constexpr std::string_view kProvenancePrefix = "lrq.";

bool is_provenance_key(std::string_view key) noexcept;

// lrq.version: lrq-host's version. lrq.recipe: resolved_recipe_json as compact JSON, without
// `output` and `overwrite` and with every path reduced to its file name, so that the bytes say what
// made them and not where the user keeps files (the same recipe and seed give the same bytes in any
// directory). lrq.seed: the seed. lrq.plugins: {"format": {"fp8": "0.1.0"}, "optimizer": {...},
// "model": {...}, "backend": {...}}, the plugins that ran (the override rules' and the model
// profile chosen included) and their versions. No time stamp: it would make every run's bytes
// differ.
Metadata provenance_metadata(const Recipe& recipe, const PluginRegistry& registry,
                             const QuantizationRoutes& routes, const std::string& profile);

// {"version", "seed", "plugins", "recipe"} of the "lrq." entries of `metadata`, the JSON ones
// parsed (a value that is not JSON stays a string, an absent one is null); null when there are
// none. What `inspect --json` and the report give as "provenance".
nlohmann::ordered_json provenance_json(const Metadata& metadata);

// `metadata` without its "lrq." entries (an input made by lrq), then `provenance`.
Metadata with_provenance(Metadata metadata, const Metadata& provenance);

}  // namespace lrq::host
