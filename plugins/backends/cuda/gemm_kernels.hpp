// This project's matrix-product kernels on row-major float data. Each element of c is computed by
// one thread (FP32) or one warp's tensor-core fragments (TF32), summing over k in a fixed order
// with no split-k, so results are bitwise reproducible. Both return the launch status.
#pragma once

#include <cuda_runtime_api.h>

#include <array>
#include <cstdint>

#include "gemm_problem.hpp"

namespace lrq::cuda {

// What the FP32 kernel's choice of tile shape needs to know about the GPU.
struct F32Occupancy {
  int multiprocessors = 1;
  // Blocks of each tile shape (128 x 128, 128 x 64, 64 x 64) resident per multiprocessor at once;
  // 0 leaves a shape out.
  std::array<int, 3> resident = {};
};

// Reads the multiprocessor count and the kernels' occupancy on `device`, the current device.
F32Occupancy query_f32_occupancy(int device);

// Exact float32 products and sums (FFMA only). The tile shape is the one that keeps the GPU busiest
// for this problem's tile count; the result does not depend on it, since every element is the same
// sequential sum over k.
cudaError_t launch_gemm_f32(const GemmProblem& problem, const F32Occupancy& occupancy,
                            cudaStream_t stream);

// TF32 tensor cores (mma.sync m16n8k8, sm_80 and newer): inputs rounded to TF32, products summed
// in float32.
cudaError_t launch_gemm_tf32(const GemmProblem& problem, cudaStream_t stream);

// The largest m, n or k the kernels take (32-bit tile indices with room for one more tile).
inline constexpr std::int64_t kMaxGemmDimension = std::int64_t{1} << 30;

}  // namespace lrq::cuda
