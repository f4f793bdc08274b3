#include <algorithm>
#include <string>

#include "kernels.hpp"
#include "lrq/error.hpp"

namespace lrq::cuda {
namespace {

constexpr std::int64_t kTileElements = 16384;

}  // namespace

CellTiling cell_tiling(std::int64_t rows, std::int64_t cols, const ScaleLayout& layout) {
  CellTiling tiling;
  tiling.rows = rows;
  tiling.cols = cols;
  tiling.granularity = layout.granularity;
  switch (layout.granularity) {
    case ScaleGranularity::tensor:
      tiling.tile_cols = std::clamp<std::int64_t>(cols, 1, kTileElements);
      tiling.tile_rows = std::max<std::int64_t>(1, kTileElements / tiling.tile_cols);
      break;
    case ScaleGranularity::row:
      tiling.tile_cols = std::clamp<std::int64_t>(cols, 1, kTileElements);
      tiling.tile_rows = 1;
      break;
    case ScaleGranularity::block:
      if (!layout.tiling_mismatch(rows, cols).empty()) {
        throw Error(ErrorCategory::internal, "cuda backend: " + layout.describe() +
                                                 " scales over a " + shape_to_string({rows, cols}) +
                                                 " matrix; its sides must be multiples");
      }
      tiling.block_rows = layout.block_rows;
      tiling.block_cols = layout.block_cols;
      tiling.cells_per_row = cols / layout.block_cols;
      tiling.tile_cols = layout.block_cols;
      // Large blocks are split into bands of rows that still divide the block, so that no tile
      // straddles two cells.
      tiling.tile_rows = layout.block_rows;
      while (tiling.tile_rows % 2 == 0 &&
             tiling.tile_rows * layout.block_cols > 4 * kTileElements) {
        tiling.tile_rows /= 2;
      }
      break;
  }
  if (rows > 0 && cols > 0) {
    tiling.tiles_per_band = (cols + tiling.tile_cols - 1) / tiling.tile_cols;
    tiling.tiles = (rows + tiling.tile_rows - 1) / tiling.tile_rows * tiling.tiles_per_band;
  }
  return tiling;
}

}  // namespace lrq::cuda
