#include "cpu_kernels.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cfloat>
#include <cmath>
#include <limits>
#include <vector>

#include "lrq/error.hpp"
#include "lrq/float_convert.hpp"
#include "lrq/grid_arithmetic.hpp"

namespace lrq::cpu {
namespace {

constexpr std::int64_t kChunk = std::int64_t{1} << 16;

std::int64_t runs_per_row(MatrixShape shape, const ScaleLayout& layout) {
  return layout.granularity == ScaleGranularity::block ? shape.cols / layout.block_cols : 1;
}

std::int64_t cell_index(const ScaleLayout& layout, std::int64_t row, std::int64_t run,
                        std::int64_t runs) {
  switch (layout.granularity) {
    case ScaleGranularity::tensor:
      return 0;
    case ScaleGranularity::row:
      return row;
    case ScaleGranularity::block:
      return (row / layout.block_rows) * runs + run;
  }
  return 0;
}

// Calls body(row, run, first_col, end_col, cell) for every run of a row that shares one scale cell,
// rows spread over the threads.
template <class Body>
void for_each_run(MatrixShape shape, const ScaleLayout& layout, int threads, Body body) {
  const std::int64_t runs = runs_per_row(shape, layout);
  const std::int64_t run_length = shape.cols / runs;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t row = 0; row < shape.rows; ++row) {
    for (std::int64_t run = 0; run < runs; ++run) {
      body(row, run, run * run_length, (run + 1) * run_length, cell_index(layout, row, run, runs));
    }
  }
}

float run_absmax(const float* values, std::int64_t count) {
  float maximum = 0.0f;
  bool finite = true;
  for (std::int64_t i = 0; i < count; ++i) {
    const float magnitude = std::fabs(values[i]);
    maximum = magnitude > maximum ? magnitude : maximum;
    finite &= magnitude <= FLT_MAX;  // false for NaN and infinity
  }
  return finite ? maximum : std::numeric_limits<float>::infinity();
}

// The element loops below take the grid by value, with its family and sign fixed at compile
// time: stores through their float and byte pointers could otherwise alias a grid passed by
// reference, so that the compiler would reload its fields for every element, and the branches on
// the family and the sign would stay in the loop (several times slower).
template <class Run>
auto with_fixed_grid(const Grid& grid, Run run) {
  Grid fixed = grid;
  const auto as = [&]<GridFamily family, bool is_signed>() {
    fixed.family = family;
    fixed.is_signed = is_signed;
    return run(fixed);
  };
  if (grid.family == GridFamily::integer)
    return as.template operator()<GridFamily::integer, true>();
  if (grid.is_signed) return as.template operator()<GridFamily::minifloat, true>();
  return as.template operator()<GridFamily::minifloat, false>();
}

void quantize_run(const float* x, float multiplier, const Grid& grid, float* values,
                  std::int64_t count) {
  with_fixed_grid(grid, [&](const Grid fixed) {
    for (std::int64_t i = 0; i < count; ++i)
      values[i] = grid_arithmetic::clamp_onto(fixed, x[i] * multiplier);
  });
}

std::int64_t encode_run(const float* values, const Grid& grid, std::byte* codes,
                        std::int64_t count) {
  return with_fixed_grid(grid, [&](const Grid fixed) {
    std::int64_t off_grid = 0;
    for (std::int64_t i = 0; i < count; ++i) {
      const std::int32_t code = grid_arithmetic::encode(fixed, values[i]);
      codes[i] = static_cast<std::byte>(code < 0 ? 0 : code);
      off_grid += code < 0 ? 1 : 0;
    }
    return off_grid;
  });
}

}  // namespace

bool can_widen_to_f32(DType source) noexcept {
  return is_quantizable_source(source) || source == DType::F8_E4M3 || source == DType::F8_E5M2 ||
         source == DType::I8;
}

void widen_to_f32_parallel(DType source, const std::byte* source_bytes, float* destination,
                           std::size_t count, int threads) {
  const auto total = static_cast<std::int64_t>(count);
  const std::int64_t chunks = (total + kChunk - 1) / kChunk;
  if (source == DType::I8) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t i = 0; i < total; ++i) {
      destination[i] = static_cast<float>(static_cast<std::int8_t>(source_bytes[i]));
    }
    return;
  }
  const std::size_t item = itemsize(source);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t chunk = 0; chunk < chunks; ++chunk) {
    const std::int64_t first = chunk * kChunk;
    const std::int64_t length = std::min(kChunk, total - first);
    widen_to_f32(source, source_bytes + static_cast<std::size_t>(first) * item, destination + first,
                 static_cast<std::size_t>(length));
  }
}

void absmax_cells(const float* x, MatrixShape shape, const ScaleLayout& layout, float* cells,
                  int threads) {
  const std::int64_t runs = runs_per_row(shape, layout);
  std::vector<float> run_maxima(static_cast<std::size_t>(shape.rows * runs));
  for_each_run(
      shape, layout, threads,
      [&](std::int64_t row, std::int64_t run, std::int64_t first, std::int64_t end, std::int64_t) {
        run_maxima[static_cast<std::size_t>(row * runs + run)] =
            run_absmax(x + row * shape.cols + first, end - first);
      });
  const Shape cell_shape = layout.cells(shape.rows, shape.cols);
  std::fill_n(cells, element_count(cell_shape), 0.0f);
  for (std::int64_t row = 0; row < shape.rows; ++row) {
    for (std::int64_t run = 0; run < runs; ++run) {
      const std::int64_t cell = cell_index(layout, row, run, runs);
      cells[cell] = std::max(cells[cell], run_maxima[static_cast<std::size_t>(row * runs + run)]);
    }
  }
}

void quantize_to_grid(const float* x, MatrixShape shape, const float* multiplier,
                      const ScaleLayout& layout, const Grid& grid, float* values, int threads) {
  for_each_run(
      shape, layout, threads,
      [&](std::int64_t row, std::int64_t, std::int64_t first, std::int64_t end, std::int64_t cell) {
        const std::int64_t start = row * shape.cols + first;
        quantize_run(x + start, multiplier[cell], grid, values + start, end - first);
      });
}

std::int64_t encode_grid_values(const float* values, std::size_t count, const Grid& grid,
                                std::byte* codes, int threads) {
  const auto total = static_cast<std::int64_t>(count);
  const std::int64_t chunks = (total + kChunk - 1) / kChunk;
  std::int64_t off_grid = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : off_grid)
  for (std::int64_t chunk = 0; chunk < chunks; ++chunk) {
    const std::int64_t first = chunk * kChunk;
    off_grid += encode_run(values + first, grid, codes + first, std::min(kChunk, total - first));
  }
  return off_grid;
}

void decode_grid_codes(const std::byte* codes, std::size_t count, const Grid& grid, float* values,
                       int threads) {
  std::array<float, 256> table{};
  for (std::uint32_t code = 0; code < table.size(); ++code) {
    table[code] = grid_arithmetic::decode(grid, code);
  }
  const std::uint32_t mask = (1u << grid.code_bits()) - 1u;
  const auto total = static_cast<std::int64_t>(count);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t i = 0; i < total; ++i) {
    values[i] = table[std::to_integer<std::uint32_t>(codes[i]) & mask];
  }
}

void dequantize_values(const float* values, MatrixShape shape, const float* scale,
                       const ScaleLayout& layout, float* weight, int threads) {
  for_each_run(
      shape, layout, threads,
      [&](std::int64_t row, std::int64_t, std::int64_t first, std::int64_t end, std::int64_t cell) {
        const float s = scale[cell];
        const std::int64_t base = row * shape.cols;
        for (std::int64_t col = first; col < end; ++col) {
          weight[base + col] = values[base + col] * s;
        }
      });
}

void round_with_feedback_f32(const FeedbackArrays& arrays, MatrixShape shape,
                             const ScaleLayout& layout, const Grid& grid,
                             const FeedbackRounding& step, int threads) {
  const std::int64_t runs = runs_per_row(shape, layout);
  const std::int64_t n = arrays.n;
  // Rows are independent: each is rounded column after column, its error fed forward in order.
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t row = 0; row < shape.rows; ++row) {
    float* w = arrays.w + row * shape.cols + step.first;
    float* values = arrays.values + row * shape.cols + step.first;
    float* errors = arrays.errors + row * n;
    for (std::int64_t j = 0; j < n; ++j) {
      const std::int64_t c = step.first + j;
      const std::int64_t col = step.columns.empty() ? c : step.columns[static_cast<std::size_t>(c)];
      const std::int64_t run =
          layout.granularity == ScaleGranularity::block ? col / layout.block_cols : 0;
      const std::int64_t cell = cell_index(layout, row, run, runs);
      const float x = w[j];
      const float value = grid_arithmetic::clamp_onto(grid, x * arrays.multiplier[cell]);
      values[j] = value;
      const float error = (x - value * arrays.scale[cell]) / arrays.u[j * n + j];
      errors[j] = error;
      const float* u_row = arrays.u + j * n;
      for (std::int64_t later = j + 1; later < n; ++later)
        w[later] -= error * u_row[later];
    }
  }
}

ErrorNorms quantization_error_of(const float* reference, const float* values, MatrixShape shape,
                                 const float* scale, const ScaleLayout& layout, int threads) {
  // One partial sum per row, each row summed by one thread in column order, then the rows in
  // order: the same bits for any thread count.
  std::vector<double> reference_sums(static_cast<std::size_t>(shape.rows));
  std::vector<double> error_sums(static_cast<std::size_t>(shape.rows));
  for_each_run(
      shape, layout, threads,
      [&](std::int64_t row, std::int64_t, std::int64_t first, std::int64_t end, std::int64_t cell) {
        const float s = scale[cell];
        const std::int64_t base = row * shape.cols;
        double reference_sum = 0.0;
        double error_sum = 0.0;
        for (std::int64_t col = first; col < end; ++col) {
          const double r = reference[base + col];
          const double e = r - static_cast<double>(values[base + col] * s);
          reference_sum += r * r;
          error_sum += e * e;
        }
        reference_sums[static_cast<std::size_t>(row)] += reference_sum;
        error_sums[static_cast<std::size_t>(row)] += error_sum;
      });
  ErrorNorms norms;
  for (std::size_t row = 0; row < reference_sums.size(); ++row) {
    norms.reference += reference_sums[row];
    norms.error += error_sums[row];
  }
  norms.reference = std::sqrt(norms.reference);
  norms.error = std::sqrt(norms.error);
  return norms;
}

}  // namespace lrq::cpu
