// Cholesky factorization, triangular inversion and triangular solves of row-major float matrices
// for the cpu backend, through Eigen.
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

// x [rows, n] with x lowerᵀ = y for y [rows, n] and the lower-triangular part of `lower` [n, n]
// (its upper triangle is not read). The rows are solved in fixed chunks spread over the threads, so
// the result does not depend on the thread count.
void solve_lower_transposed(const float* y, std::int64_t rows, const float* lower, std::int64_t n,
                            float* x, int threads);

}  // namespace lrq::cpu
