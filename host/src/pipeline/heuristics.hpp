// The reference tool's performance heuristic (`--heur`, docs/model-profiles.md): a
// weight whose shape does not tile by a block size B stays unquantized.
#pragma once

#include <cstdint>
#include <string>

#include "lrq/options.hpp"
#include "lrq/tensor.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

// B: the model section's heuristics_block_size when set; else the primary format's block_size
// when the recipe sets it; else the reference's default for the format (fp8 64, int8_block 128).
// `format_options`: the primary format's resolved options. Throws lrq::Error (recipe) for a format
// without a default.
std::int64_t heuristic_block_size(const Recipe& recipe, const Options& format_options);

// Why the 2-D weight of `shape` stays unquantized with block B ("heuristic: 100 rows < block
// 64"); empty when it tiles.
std::string heuristic_refusal(const Shape& shape, std::int64_t block);

}  // namespace lrq::host
