// SVD of a small square matrix on row-major float arrays.
#pragma once

#include <cstdint>

namespace lrq::cpu {

// a [n, n] = u diag(s) v^T: u and v [n, n] orthogonal, s [n] descending. Singular vectors are
// unique only up to the sign of each (u_i, v_i) pair; the pair is signed so that the entry of
// largest magnitude in u_i (the first such) is positive. Single-threaded.
void square_svd(const float* a, std::int64_t n, float* u, float* s, float* v);

}  // namespace lrq::cpu
