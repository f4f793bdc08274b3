// Cholesky factorization and triangular inversion of row-major float matrices for the cpu
// backend, through Eigen.
#pragma once

#include <cstdint>

namespace lrq::cpu {

// l [n, n] lower triangular (zeros above) with a = l lᵀ, from a's lower triangle. Returns false
// when a is not positive definite to working precision.
bool cholesky_lower(const float* a, std::int64_t n, float* l);

// inverse [n, n] of the lower-triangular part of `lower` (zeros above the diagonal). The columns
// of the identity are solved for in fixed chunks spread over the threads, so the result does not
// depend on the thread count.
void invert_lower_triangular(const float* lower, std::int64_t n, float* inverse, int threads);

}  // namespace lrq::cpu
