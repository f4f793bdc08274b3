#include "cpu_indexing.hpp"

namespace lrq::cpu {

void gather_f32(const float* a, MatrixShape shape, std::span<const std::int64_t> rows,
                std::span<const std::int64_t> cols, float* b, int threads) {
  const auto out_rows = rows.empty() ? shape.rows : static_cast<std::int64_t>(rows.size());
  const auto out_cols = cols.empty() ? shape.cols : static_cast<std::int64_t>(cols.size());
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t i = 0; i < out_rows; ++i) {
    const std::int64_t source_row = rows.empty() ? i : rows[static_cast<std::size_t>(i)];
    float* out = b + i * out_cols;
    if (source_row < 0) {
      for (std::int64_t j = 0; j < out_cols; ++j)
        out[j] = 0.0f;
      continue;
    }
    const float* in = a + source_row * shape.cols;
    for (std::int64_t j = 0; j < out_cols; ++j) {
      const std::int64_t source_col = cols.empty() ? j : cols[static_cast<std::size_t>(j)];
      out[j] = source_col < 0 ? 0.0f : in[source_col];
    }
  }
}

void add_diagonal_f32(float* a, std::int64_t n, const float* d) {
  for (std::int64_t i = 0; i < n; ++i)
    a[i * n + i] += d[i];
}

}  // namespace lrq::cpu
