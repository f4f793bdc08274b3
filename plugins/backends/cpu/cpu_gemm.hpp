// General matrix product on row-major float arrays: Eigen's single-threaded GEMM on tiles of the
// result, the tiles spread over the threads. A tile's bounds depend only on the shapes, and each
// tile is computed by one thread, so the result is the same whatever the thread count.
#pragma once

#include "cpu_kernels.hpp"

namespace lrq::cpu {

// A row-major matrix as stored, and whether the product uses it transposed.
struct GemmOperand {
  const float* data = nullptr;
  MatrixShape stored;
  bool transposed = false;

  MatrixShape used() const noexcept {
    return transposed ? MatrixShape{stored.cols, stored.rows} : stored;
  }
};

// c = alpha op(a) op(b) + beta c, with op(a) [m, k], op(b) [k, n] and c [m, n] (shapes already
// checked). c is not read when beta is 0.
void gemm_f32(float alpha, const GemmOperand& a, const GemmOperand& b, float beta, float* c,
              int threads);

}  // namespace lrq::cpu
