// Thin Householder QR on row-major float arrays.
#pragma once

#include "cpu_kernels.hpp"

namespace lrq::cpu {

// a [m, n] = q r with m >= n: q [m, n] with orthonormal columns, r [n, n] upper triangular.
//
// Blocked: Eigen's HouseholderQR factors a panel of columns on one thread, then the panel's block
// reflector updates the rest in tasks that each own a fixed chunk of rows. Task bounds depend
// only on the shape and partial sums are added in task order, so the result is the same whatever
// the thread count.
void householder_qr(const float* a, MatrixShape shape, float* q, float* r, int threads);

}  // namespace lrq::cpu
