// The per-scale-cell operations: maxima, rounding onto the grid, and dequantization. Each block
// takes one tile, which lies inside one cell.
#include <cfloat>
#include <cstdint>

#include "cuda_check.hpp"
#include "grid_rounding.cuh"
#include "kernel_support.cuh"

namespace lrq::cuda {
namespace {

__global__ void absmax_tiles(const float* x, CellTiling tiling, std::uint32_t* cells) {
  const Tile tile = tile_at(tiling, blockIdx.x);
  float maximum = 0.0f;
  for_each_element(tiling, tile, [&](std::int64_t i) {
    const float magnitude = fabsf(x[i]);
    maximum = fmaxf(maximum, magnitude <= FLT_MAX ? magnitude : INFINITY);  // NaN: infinity
  });
  for (int offset = 16; offset > 0; offset /= 2) {
    maximum = fmaxf(maximum, __shfl_down_sync(0xFFFF'FFFFu, maximum, offset));
  }
  // Non-negative floats order like their bit patterns, so the maximum is an integer atomic: exact
  // whatever the order in which tiles and warps arrive.
  if ((threadIdx.x & 31u) == 0) atomicMax(cells + tile.cell, __float_as_uint(maximum));
}

__global__ void quantize_tiles(const float* x, const float* multiplier, CellTiling tiling,
                               Grid grid, float* values) {
  const Tile tile = tile_at(tiling, blockIdx.x);
  const float m = multiplier[tile.cell];
  for_each_element(tiling, tile, [&](std::int64_t i) { values[i] = quantize_one(x[i], m, grid); });
}

__global__ void dequantize_tiles(const float* values, const float* scale, CellTiling tiling,
                                 float* weight) {
  const Tile tile = tile_at(tiling, blockIdx.x);
  const float s = scale[tile.cell];
  for_each_element(tiling, tile, [&](std::int64_t i) { weight[i] = __fmul_rn(values[i], s); });
}

std::int64_t cell_count(const CellTiling& tiling) {
  switch (tiling.granularity) {
    case ScaleGranularity::tensor:
      return 1;
    case ScaleGranularity::row:
      return tiling.rows;
    case ScaleGranularity::block:
      return tiling.rows / tiling.block_rows * tiling.cells_per_row;
  }
  return 1;
}

}  // namespace

void absmax(const float* x, const CellTiling& tiling, float* cells, cudaStream_t stream) {
  const auto cell_bytes = static_cast<std::size_t>(cell_count(tiling)) * sizeof(float);
  if (cell_bytes == 0) return;
  LRQ_CUDA_CHECK(cudaMemsetAsync(cells, 0, cell_bytes, stream));  // all bits 0 is +0.0f
  if (tiling.tiles == 0) return;
  absmax_tiles<<<tile_blocks(tiling), kThreads, 0, stream>>>(
      x, tiling, reinterpret_cast<std::uint32_t*>(cells));
  check_launch("absmax");
}

void quantize(const float* x, const float* multiplier, const CellTiling& tiling, const Grid& grid,
              float* values, cudaStream_t stream) {
  if (tiling.tiles == 0) return;
  quantize_tiles<<<tile_blocks(tiling), kThreads, 0, stream>>>(x, multiplier, tiling, grid, values);
  check_launch("quantize");
}

void dequantize(const float* values, const float* scale, const CellTiling& tiling, float* weight,
                cudaStream_t stream) {
  if (tiling.tiles == 0) return;
  dequantize_tiles<<<tile_blocks(tiling), kThreads, 0, stream>>>(values, scale, tiling, weight);
  check_launch("dequantize");
}

}  // namespace lrq::cuda
