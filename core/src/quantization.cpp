#include "lrq/quantization.hpp"

#include <tuple>

namespace lrq {

Shape ScaleLayout::cells(std::int64_t rows, std::int64_t cols) const {
  switch (granularity) {
    case ScaleGranularity::tensor:
      return {1, 1};
    case ScaleGranularity::row:
      return {rows, 1};
    case ScaleGranularity::block:
      return {rows / block_rows, cols / block_cols};
  }
  return {1, 1};
}

std::string ScaleLayout::describe() const {
  switch (granularity) {
    case ScaleGranularity::tensor:
      return "per-tensor";
    case ScaleGranularity::row:
      return "per-row";
    case ScaleGranularity::block:
      return "per-block " + std::to_string(block_rows) + "x" + std::to_string(block_cols);
  }
  return "unknown";
}

std::string ScaleLayout::tiling_mismatch(std::int64_t rows, std::int64_t cols) const {
  if (granularity != ScaleGranularity::block) return {};
  if (block_rows <= 0 || block_cols <= 0) return "no block size";
  for (const auto& [extent, block, what] :
       {std::tuple{rows, block_rows, "rows"}, std::tuple{cols, block_cols, "columns"}}) {
    if (extent % block != 0) {
      return std::to_string(extent) + " " + what + " not divisible by block size " +
             std::to_string(block);
    }
  }
  return {};
}

}  // namespace lrq
