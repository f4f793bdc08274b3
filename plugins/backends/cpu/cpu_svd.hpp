// SVD of a small square matrix, and the eigendecomposition of a symmetric one, on row-major float
// arrays.
#pragma once

#include <cstdint>

namespace lrq::cpu {

// a [n, n] = u diag(s) v^T: u and v [n, n] orthogonal, s [n] descending. Singular vectors are
// unique only up to the sign of each (u_i, v_i) pair; the pair is signed so that the entry of
// largest magnitude in u_i (the first such) is positive. Single-threaded.
void square_svd(const float* a, std::int64_t n, float* u, float* s, float* v);

// a [n, n] = vectors diag(values) vectorsᵀ from a's lower triangle: values [n] ascending,
// eigenvector i in column i of the row-major vectors [n, n]. Single-threaded.
void symmetric_eigen(const float* a, std::int64_t n, float* values, float* vectors);

}  // namespace lrq::cpu
