#include "pipeline/heuristics.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include "lrq/error.hpp"

namespace lrq::host {
namespace {

// The reference's block sizes by primary format (formats/fp8_conversion.py format_block_sizes).
constexpr std::array<std::pair<std::string_view, std::int64_t>, 2> kDefaultBlocks = {{
    {"fp8", 64},
    {"int8_block", 128},
}};

}  // namespace

std::int64_t heuristic_block_size(const Recipe& recipe, const Options& format_options) {
  if (recipe.heuristics_block_size > 0) {
    return static_cast<std::int64_t>(recipe.heuristics_block_size);
  }
  const bool block_size_set =
      std::any_of(recipe.format.options.begin(), recipe.format.options.end(),
                  [](const RawOption& option) { return option.key == "block_size"; });
  if (block_size_set) return format_options.get_int("block_size");
  for (const auto& [format, block] : kDefaultBlocks) {
    if (recipe.format.name == format) return block;
  }
  throw Error(ErrorCategory::recipe,
              recipe.format.location.to_string() + ": format '" + recipe.format.name +
                  "': model.heuristics needs a block size, and this format has no default for "
                  "it; set model.heuristics_block_size");
}

std::string heuristic_refusal(const Shape& shape, std::int64_t block) {
  const auto refusal = [block](std::int64_t size, const char* what, const char* relation) {
    return "heuristic: " + std::to_string(size) + " " + what + relation + "block " +
           std::to_string(block);
  };
  const std::int64_t rows = shape[0];
  const std::int64_t cols = shape[1];
  if (rows < block) return refusal(rows, "rows", " < ");
  if (cols < block) return refusal(cols, "columns", " < ");
  if (rows % block != 0) return refusal(rows, "rows", " not divisible by ");
  if (cols % block != 0) return refusal(cols, "columns", " not divisible by ");
  return "";
}

}  // namespace lrq::host
