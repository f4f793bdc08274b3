// Sums in double, deterministic: each block sums one tile of a CellTiling in a fixed order into
// its own partial, then one block adds the partials in tile order. No floating-point atomics, so
// the same input gives the same bits on every run.
#include <cstdint>

#include "cuda_check.hpp"
#include "kernel_support.cuh"

namespace lrq::cuda {
namespace {

__global__ void quantization_error_tiles(const float* reference, const float* values,
                                         const float* scale, CellTiling tiling, double* partials) {
  __shared__ double shared[kThreads];
  const Tile tile = tile_at(tiling, blockIdx.x);
  const float s = scale[tile.cell];
  double reference_sum = 0.0;
  double error_sum = 0.0;
  for_each_element(tiling, tile, [&](std::int64_t i) {
    const double r = reference[i];
    // The dequantized value rounded to float first, as the cpu backend and the written file have
    // it.
    const double e = r - static_cast<double>(__fmul_rn(values[i], s));
    reference_sum += r * r;
    error_sum += e * e;
  });
  reference_sum = block_sum(reference_sum, shared);
  error_sum = block_sum(error_sum, shared);
  if (threadIdx.x == 0) {
    partials[2 * blockIdx.x] = reference_sum;
    partials[2 * blockIdx.x + 1] = error_sum;
  }
}

__global__ void product_tiles(const float* a, const float* b, CellTiling tiling, double* partials) {
  __shared__ double shared[kThreads];
  const Tile tile = tile_at(tiling, blockIdx.x);
  double sum = 0.0;
  for_each_element(tiling, tile, [&](std::int64_t i) { sum += static_cast<double>(a[i]) * b[i]; });
  sum = block_sum(sum, shared);
  if (threadIdx.x == 0) {
    partials[2 * blockIdx.x] = sum;
    partials[2 * blockIdx.x + 1] = 0.0;
  }
}

// One block: thread t adds partial pairs t, t + kThreads, ..., then the tree.
__global__ void sum_partial_pairs(const double* partials, std::int64_t pairs, double* sums) {
  __shared__ double shared[kThreads];
  double first = 0.0;
  double second = 0.0;
  for (std::int64_t i = threadIdx.x; i < pairs; i += kThreads) {
    first += partials[2 * i];
    second += partials[2 * i + 1];
  }
  first = block_sum(first, shared);
  second = block_sum(second, shared);
  if (threadIdx.x == 0) {
    sums[0] = first;
    sums[1] = second;
  }
}

void sum_partials(const double* partials, std::int64_t pairs, double* sums, cudaStream_t stream) {
  sum_partial_pairs<<<1, kThreads, 0, stream>>>(partials, pairs, sums);
  check_launch("sum_partial_pairs");
}

}  // namespace

void quantization_error_sums(const float* reference, const float* values, const float* scale,
                             const CellTiling& tiling, double* partials, double* sums,
                             cudaStream_t stream) {
  if (tiling.tiles > 0) {
    quantization_error_tiles<<<tile_blocks(tiling), kThreads, 0, stream>>>(reference, values, scale,
                                                                           tiling, partials);
    check_launch("quantization_error");
  }
  sum_partials(partials, tiling.tiles, sums, stream);
}

void sum_of_products(const float* a, const float* b, std::int64_t count, double* partials,
                     double* sums, cudaStream_t stream) {
  const CellTiling tiling = cell_tiling(1, count, ScaleLayout::per_tensor());
  if (tiling.tiles > 0) {
    product_tiles<<<tile_blocks(tiling), kThreads, 0, stream>>>(a, b, tiling, partials);
    check_launch("sum_of_products");
  }
  sum_partials(partials, tiling.tiles, sums, stream);
}

}  // namespace lrq::cuda
