// Rounding onto a grid on the device with the arithmetic every backend shares, so that every bit
// (the sign of zero too) agrees with the cpu backend.
#pragma once

#include <cuda_runtime.h>

#include "lrq/grid_arithmetic.hpp"

namespace lrq::cuda {

// The product is rounded on its own (__fmul_rn), as on the cpu, never fused with what follows.
__device__ inline float quantize_one(float x, float multiplier, const Grid& grid) {
  return grid_arithmetic::clamp_onto(grid, __fmul_rn(x, multiplier));
}

}  // namespace lrq::cuda
