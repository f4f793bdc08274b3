// Host-side entry points of the backend's CUDA kernels. Each queues its work on `stream` and
// returns; none synchronizes. Pointers are device memory; counts may be 0.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "lrq/dtype.hpp"
#include "lrq/quantization.hpp"

namespace lrq::cuda {

// How the kernels split a [rows, cols] matrix into tiles, each inside one scale cell: a block
// cell (or a band of its rows), up to 16384 columns of one row (per-row), or a band of rows up to
// 16384 elements (per-tensor). The tiling depends only on the shape and the layout, so sums over
// tiles in tile order give the same bits on any GPU.
struct CellTiling {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  ScaleGranularity granularity = ScaleGranularity::tensor;
  std::int64_t block_rows = 0;
  std::int64_t block_cols = 0;
  std::int64_t cells_per_row = 1;  // block granularity: cols / block_cols
  std::int64_t tile_rows = 1;
  std::int64_t tile_cols = 1;
  std::int64_t tiles_per_band = 0;  // tiles side by side across the columns
  std::int64_t tiles = 0;
};

CellTiling cell_tiling(std::int64_t rows, std::int64_t cols, const ScaleLayout& layout);

// Exact float8 conversions, built on the host from lrq's own (lrq/float_convert.hpp), so every
// code converts to the same bits as on the cpu backend.
struct ConversionTables {
  const float* e4m3fn_values = nullptr;  // [256]
  const float* e5m2_values = nullptr;    // [256]
};

// F64, F16, BF16, F8_E4M3, F8_E5M2 or I8 to F32 (F32 itself is a plain copy, not done here).
void widen(DType source, const void* input, float* output, std::int64_t count,
           const ConversionTables& tables, cudaStream_t stream);

// `cells` need not be initialized.
void absmax(const float* x, const CellTiling& tiling, float* cells, cudaStream_t stream);

void quantize(const float* x, const float* multiplier, const CellTiling& tiling, const Grid& grid,
              float* values, cudaStream_t stream);

// Writes the codes (one byte each), and the number of values off the grid (written as code 0) to
// *off_grid.
void encode(const float* values, std::int64_t count, const Grid& grid, std::uint8_t* codes,
            unsigned long long* off_grid, cudaStream_t stream);

// Codes (one byte each) to their values.
void decode(const std::uint8_t* codes, std::int64_t count, const Grid& grid, float* values,
            cudaStream_t stream);

void dequantize(const float* values, const float* scale, const CellTiling& tiling, float* weight,
                cudaStream_t stream);

// The two sums of quantization_error (||reference||^2 and ||reference - values scale||^2) into
// sums[0] and sums[1], through `partials`, which holds 2 * tiling.tiles doubles.
void quantization_error_sums(const float* reference, const float* values, const float* scale,
                             const CellTiling& tiling, double* partials, double* sums,
                             cudaStream_t stream);

// Sum of a * b into sums[0] (sums[1] is set to 0), through `partials`: 2 * tiles doubles of the
// per-tensor tiling of [1, count].
void sum_of_products(const float* a, const float* b, std::int64_t count, double* partials,
                     double* sums, cudaStream_t stream);

// y = alpha x + beta y, y not read when beta is 0.
void axpby(float alpha, const float* x, float beta, float* y, std::int64_t count,
           cudaStream_t stream);

struct MomentStepScalars {
  float beta1;
  float beta2;
  float decay;
  float step;
  float sqrt_v_factor;
  float epsilon;
};

void moment_step(const MomentStepScalars& step, const float* gradient, float* parameter,
                 float* first_moment, float* second_moment, std::int64_t count,
                 cudaStream_t stream);

// output [cols, rows] = input [rows, cols] transposed (row-major both): a row-major matrix to the
// column-major layout of cuSOLVER and back.
void transpose(const float* input, std::int64_t rows, std::int64_t cols, float* output,
               cudaStream_t stream);

// r [n, n] row-major = the upper triangle of the top n rows of a column-major matrix with leading
// dimension `ld`, zeros below the diagonal.
void upper_triangle(const float* column_major, std::int64_t ld, std::int64_t n, float* r,
                    cudaStream_t stream);

// b [out_rows, out_cols] = a [rows, cols] at rows[i], cols[j] (device arrays of int64; nullptr:
// the identity; -1 gives 0).
void gather(const float* a, std::int64_t cols, const std::int64_t* row_index,
            const std::int64_t* col_index, std::int64_t out_rows, std::int64_t out_cols, float* b,
            cudaStream_t stream);

// a[i, i] += d[i] for a [n, n].
void add_diagonal(float* a, const float* d, std::int64_t n, cudaStream_t stream);

// Zeros the strictly upper triangle of a row-major [n, n] matrix.
void zero_upper_triangle(float* a, std::int64_t n, cudaStream_t stream);

// Backend::round_with_feedback on device arrays; `columns` is nullptr for the identity.
struct FeedbackStep {
  float* w;
  std::int64_t rows;
  std::int64_t cols;
  std::int64_t first;
  const std::int64_t* columns;
  const float* u;
  std::int64_t n;
  const float* multiplier;
  const float* scale;
  ScaleLayout layout;
  Grid grid;
  float* values;
  float* errors;
};
void round_with_feedback(const FeedbackStep& step, cudaStream_t stream);

// Signs each pair (column i of u, column i of v), both [n, n] row-major, so that the first entry
// of largest magnitude in u's column is positive: the cpu backend's convention.
void sign_singular_pairs(float* u, float* v, std::int64_t n, cudaStream_t stream);

}  // namespace lrq::cuda
