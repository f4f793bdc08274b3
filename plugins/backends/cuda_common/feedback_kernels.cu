// GPTQ's sequential rounding with error feedback inside one block of columns. Rows are
// independent, so each warp takes one row: its part of the block lives in shared memory, the lanes
// share the updates of the later columns, and every lane computes the step's rounding itself (the
// same float operations as the cpu backend, in the same order, so the bits agree).
#include <cstdint>

#include "cuda_check.hpp"
#include "grid_rounding.cuh"
#include "kernel_support.cuh"

namespace lrq::cuda {
namespace {

constexpr int kWarps = kThreads / 32;

__device__ inline std::int64_t cell_of(const FeedbackStep& step, std::int64_t row,
                                       std::int64_t col) {
  switch (step.layout.granularity) {
    case ScaleGranularity::tensor:
      return 0;
    case ScaleGranularity::row:
      return row;
    case ScaleGranularity::block:
      return (row / step.layout.block_rows) * (step.cols / step.layout.block_cols) +
             col / step.layout.block_cols;
  }
  return 0;
}

__global__ void feedback_rows(FeedbackStep step) {
  extern __shared__ float segments[];  // kWarps x n
  const int warp = static_cast<int>(threadIdx.x) / 32;
  const int lane = static_cast<int>(threadIdx.x) % 32;
  float* segment = segments + warp * step.n;
  for (std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * kWarps + warp; row < step.rows;
       row += static_cast<std::int64_t>(gridDim.x) * kWarps) {
    float* w = step.w + row * step.cols + step.first;
    for (std::int64_t j = lane; j < step.n; j += 32)
      segment[j] = w[j];
    __syncwarp();
    for (std::int64_t j = 0; j < step.n; ++j) {
      const std::int64_t c = step.first + j;
      const std::int64_t cell = cell_of(step, row, step.columns == nullptr ? c : step.columns[c]);
      const float x = segment[j];
      const float value = quantize_one(x, step.multiplier[cell], step.grid);
      const float error =
          __fdiv_rn(__fsub_rn(x, __fmul_rn(value, step.scale[cell])), step.u[j * step.n + j]);
      if (lane == 0) {
        step.values[row * step.cols + c] = value;
        step.errors[row * step.n + j] = error;
      }
      const float* u_row = step.u + j * step.n;
      for (std::int64_t later = j + 1 + lane; later < step.n; later += 32)
        segment[later] = __fsub_rn(segment[later], __fmul_rn(error, u_row[later]));
      __syncwarp();
    }
    for (std::int64_t j = lane; j < step.n; j += 32)
      w[j] = segment[j];
    __syncwarp();
  }
}

}  // namespace

void round_with_feedback(const FeedbackStep& step, cudaStream_t stream) {
  if (step.rows == 0 || step.n == 0) return;
  const std::size_t shared_bytes = static_cast<std::size_t>(kWarps * step.n) * sizeof(float);
  if (shared_bytes > 48 * 1024) {
    LRQ_CUDA_CHECK(cudaFuncSetAttribute(feedback_rows, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                        static_cast<int>(shared_bytes)));
  }
  const std::int64_t blocks = (step.rows + kWarps - 1) / kWarps;
  feedback_rows<<<static_cast<unsigned int>(blocks < 65535 ? blocks : 65535), kThreads,
                  shared_bytes, stream>>>(step);
  check_launch("round_with_feedback");
}

}  // namespace lrq::cuda
