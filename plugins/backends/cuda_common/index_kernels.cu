// Gathering rows and columns, and the diagonal and triangle edits around the Cholesky
// factorization. Element-wise, so the bits do not depend on the launch.
#include <cstdint>

#include "cuda_check.hpp"
#include "kernel_support.cuh"

namespace lrq::cuda {
namespace {

__global__ void gather_kernel(const float* a, std::int64_t cols, const std::int64_t* row_index,
                              const std::int64_t* col_index, std::int64_t out_rows,
                              std::int64_t out_cols, float* b) {
  for (std::int64_t i = global_thread(); i < out_rows * out_cols; i += grid_threads()) {
    const std::int64_t row = i / out_cols;
    const std::int64_t col = i % out_cols;
    const std::int64_t source_row = row_index == nullptr ? row : row_index[row];
    const std::int64_t source_col = col_index == nullptr ? col : col_index[col];
    b[i] = source_row < 0 || source_col < 0 ? 0.0f : a[source_row * cols + source_col];
  }
}

__global__ void add_diagonal_kernel(float* a, const float* d, std::int64_t n) {
  for (std::int64_t i = global_thread(); i < n; i += grid_threads())
    a[i * n + i] = __fadd_rn(a[i * n + i], d[i]);
}

__global__ void zero_upper_kernel(float* a, std::int64_t n) {
  for (std::int64_t i = global_thread(); i < n * n; i += grid_threads()) {
    if (i % n > i / n) a[i] = 0.0f;
  }
}

}  // namespace

void gather(const float* a, std::int64_t cols, const std::int64_t* row_index,
            const std::int64_t* col_index, std::int64_t out_rows, std::int64_t out_cols, float* b,
            cudaStream_t stream) {
  if (out_rows == 0 || out_cols == 0) return;
  gather_kernel<<<grid_stride_blocks(out_rows * out_cols), kThreads, 0, stream>>>(
      a, cols, row_index, col_index, out_rows, out_cols, b);
  check_launch("gather");
}

void add_diagonal(float* a, const float* d, std::int64_t n, cudaStream_t stream) {
  if (n == 0) return;
  add_diagonal_kernel<<<grid_stride_blocks(n), kThreads, 0, stream>>>(a, d, n);
  check_launch("add_diagonal");
}

void zero_upper_triangle(float* a, std::int64_t n, cudaStream_t stream) {
  if (n == 0) return;
  zero_upper_kernel<<<grid_stride_blocks(n * n), kThreads, 0, stream>>>(a, n);
  check_launch("zero_upper_triangle");
}

}  // namespace lrq::cuda
