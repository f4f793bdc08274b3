// Device-side helpers the kernel files share: launch sizes, walking a tile of a CellTiling, and
// block-wide reductions whose order is fixed.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <limits>
#include <string>

#include "kernels.hpp"
#include "lrq/error.hpp"

namespace lrq::cuda {

// Every kernel runs blocks of this many threads; the reductions rely on it.
inline constexpr int kThreads = 256;

// Blocks for a grid-stride loop over `count` items: enough to fill an H100 several times over.
inline unsigned int grid_stride_blocks(std::int64_t count) {
  constexpr std::int64_t kMaxBlocks = 4096;
  const std::int64_t blocks = (count + kThreads - 1) / kThreads;
  return static_cast<unsigned int>(blocks < kMaxBlocks ? blocks : kMaxBlocks);
}

// One block per tile; throws when a matrix has more tiles than a grid can hold.
inline unsigned int tile_blocks(const CellTiling& tiling) {
  if (tiling.tiles > std::numeric_limits<int>::max()) {
    throw Error(ErrorCategory::unsupported,
                "cuda backend: a matrix of " + std::to_string(tiling.rows) + " x " +
                    std::to_string(tiling.cols) + " elements is too large for one kernel launch");
  }
  return static_cast<unsigned int>(tiling.tiles);
}

__device__ inline std::int64_t global_thread() {
  return static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}

__device__ inline std::int64_t grid_threads() {
  return static_cast<std::int64_t>(gridDim.x) * blockDim.x;
}

struct Tile {
  std::int64_t row_begin;
  std::int64_t row_end;
  std::int64_t col_begin;
  std::int64_t col_end;
  std::int64_t cell;  // the one scale cell the tile lies in
};

__device__ inline Tile tile_at(const CellTiling& tiling, std::int64_t index) {
  const std::int64_t band = index / tiling.tiles_per_band;
  const std::int64_t column = index % tiling.tiles_per_band;
  Tile tile;
  tile.row_begin = band * tiling.tile_rows;
  tile.row_end = min(tiling.rows, tile.row_begin + tiling.tile_rows);
  tile.col_begin = column * tiling.tile_cols;
  tile.col_end = min(tiling.cols, tile.col_begin + tiling.tile_cols);
  switch (tiling.granularity) {
    case ScaleGranularity::tensor:
      tile.cell = 0;
      break;
    case ScaleGranularity::row:
      tile.cell = tile.row_begin;
      break;
    case ScaleGranularity::block:
      tile.cell = (tile.row_begin / tiling.block_rows) * tiling.cells_per_row +
                  tile.col_begin / tiling.block_cols;
      break;
  }
  return tile;
}

// Calls visit(i) for the row-major index i of every element of the tile, each thread of the block
// taking its share in a fixed order.
template <class Visit>
__device__ inline void for_each_element(const CellTiling& tiling, const Tile& tile, Visit visit) {
  const std::int64_t width = tile.col_end - tile.col_begin;
  if (width >= kThreads) {
    for (std::int64_t row = tile.row_begin; row < tile.row_end; ++row) {
      const std::int64_t base = row * tiling.cols;
      for (std::int64_t col = tile.col_begin + threadIdx.x; col < tile.col_end; col += kThreads) {
        visit(base + col);
      }
    }
    return;
  }
  // Narrow tiles (small blocks, few columns) hold fewer than 2^16 elements: the threads walk them
  // as one flat range so that none idles, with 32-bit division.
  const auto narrow = static_cast<unsigned int>(width);
  const auto count = narrow * static_cast<unsigned int>(tile.row_end - tile.row_begin);
  for (unsigned int i = threadIdx.x; i < count; i += kThreads) {
    visit((tile.row_begin + i / narrow) * tiling.cols + tile.col_begin + i % narrow);
  }
}

// The sum over the block, added in a fixed tree order; every thread gets it. `shared` holds
// kThreads doubles.
__device__ inline double block_sum(double value, double* shared) {
  shared[threadIdx.x] = value;
  __syncthreads();
  for (int stride = kThreads / 2; stride > 0; stride /= 2) {
    if (static_cast<int>(threadIdx.x) < stride) shared[threadIdx.x] += shared[threadIdx.x + stride];
    __syncthreads();
  }
  const double total = shared[0];
  __syncthreads();
  return total;
}

}  // namespace lrq::cuda
