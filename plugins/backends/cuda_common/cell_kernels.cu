// The per-scale-cell operations: maxima, rounding onto the grid, and dequantization. Each block
// takes one tile, which lies inside one cell.
#include <cfloat>
#include <cstdint>

#include "cuda_check.hpp"
#include "kernel_support.cuh"

namespace lrq::cuda {
namespace {

// Adding and subtracting 1.5 * 2^23 rounds a float below 2^22 in magnitude to an integer, ties to
// even; the cpu backend rounds this way too, which makes -0.3 round to +0 on both.
constexpr float kRoundingMagic = 12582912.0f;

__device__ inline float round_half_even(float value) {
  return __fsub_rn(__fadd_rn(value, kRoundingMagic), kRoundingMagic);
}

// The nearest float8_e4m3fn value, ties to even, of a value already clamped to +-448: the same
// steps as the cpu backend's, so that every bit (the sign of zero too) agrees.
__device__ inline float round_to_e4m3fn(float value) {
  const float magnitude = fabsf(value);
  float rounded;
  if (magnitude < 0x1p-6f) {
    rounded = __fmul_rn(round_half_even(__fmul_rn(magnitude, 512.0f)), 0x1p-9f);
  } else {
    std::uint32_t bits = __float_as_uint(magnitude);
    bits += 0x7FFFFu + ((bits >> 20) & 1u);  // round the 23-bit mantissa to 3 bits, ties to even
    bits &= 0xFFF0'0000u;
    rounded = __uint_as_float(bits);
  }
  return copysignf(rounded, value);
}

__device__ inline float quantize_one(float x, float multiplier, GridKind kind, float limit) {
  const float scaled = __fmul_rn(x, multiplier);
  // A NaN stays NaN (as it does on the cpu, whose NaNs keep the input's payload; the GPU's
  // canonical NaN would round to 0 in the bit manipulation below).
  if (isnan(scaled)) return scaled;
  const float clamped = scaled < -limit ? -limit : (limit < scaled ? limit : scaled);
  return kind == GridKind::e4m3fn ? round_to_e4m3fn(clamped) : round_half_even(clamped);
}

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
                               GridKind kind, float limit, float* values) {
  const Tile tile = tile_at(tiling, blockIdx.x);
  const float m = multiplier[tile.cell];
  for_each_element(tiling, tile,
                   [&](std::int64_t i) { values[i] = quantize_one(x[i], m, kind, limit); });
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
      return tiling.rows / tiling.block * tiling.cells_per_row;
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
  quantize_tiles<<<tile_blocks(tiling), kThreads, 0, stream>>>(x, multiplier, tiling, grid.kind,
                                                               grid.max_abs, values);
  check_launch("quantize");
}

void dequantize(const float* values, const float* scale, const CellTiling& tiling, float* weight,
                cudaStream_t stream) {
  if (tiling.tiles == 0) return;
  dequantize_tiles<<<tile_blocks(tiling), kThreads, 0, stream>>>(values, scale, tiling, weight);
  check_launch("dequantize");
}

}  // namespace lrq::cuda
