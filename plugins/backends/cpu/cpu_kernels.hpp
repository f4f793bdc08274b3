// The cpu backend's arithmetic on raw host arrays, parallel with OpenMP. Every result is the same
// whatever the thread count: element-wise work is independent, maxima are exact, and sums are
// taken over fixed-size chunks in a fixed order.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lrq/backend.hpp"
#include "lrq/quantization.hpp"

namespace lrq::cpu {

struct MatrixShape {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
};

// F64, F32, F16, BF16, F8_E4M3, F8_E5M2 and I8.
bool can_widen_to_f32(DType source) noexcept;
void widen_to_f32_parallel(DType source, const std::byte* source_bytes, float* destination,
                           std::size_t count, int threads);

void absmax_cells(const float* x, MatrixShape shape, const ScaleLayout& layout, float* cells,
                  int threads);

void quantize_to_grid(const float* x, MatrixShape shape, const float* multiplier,
                      const ScaleLayout& layout, const Grid& grid, float* values, int threads);

// Returns how many values were not exactly on the grid (those are written as code 0).
std::int64_t encode_grid_values(const float* values, std::size_t count, const Grid& grid,
                                std::byte* codes, int threads);

// Codes (one per byte, bits above the grid's code bits ignored) to their F32 values.
void decode_grid_codes(const std::byte* codes, std::size_t count, const Grid& grid, float* values,
                       int threads);

void dequantize_values(const float* values, MatrixShape shape, const float* scale,
                       const ScaleLayout& layout, float* weight, int threads);

// Backend::round_with_feedback on host arrays: w and values [shape], u [n, n], errors [rows, n];
// `columns` is empty or holds shape.cols indices (already checked).
struct FeedbackArrays {
  float* w;
  const float* u;
  std::int64_t n;
  const float* multiplier;
  const float* scale;
  float* values;
  float* errors;
};
void round_with_feedback_f32(const FeedbackArrays& arrays, MatrixShape shape,
                             const ScaleLayout& layout, const Grid& grid,
                             const FeedbackRounding& step, int threads);

ErrorNorms quantization_error_of(const float* reference, const float* values, MatrixShape shape,
                                 const float* scale, const ScaleLayout& layout, int threads);

}  // namespace lrq::cpu
