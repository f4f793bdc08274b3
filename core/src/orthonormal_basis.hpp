// Orthonormal bases of the columns of tall matrices by Cholesky QR: each pass factors the Gram
// matrix yᵀy = l lᵀ and forms q = y l⁻ᵀ, two matrix products and a small factorization, where
// Householder QR is a sequence of panel updates that does not reach the GEMM rate. A pass is as
// orthonormal as y is well conditioned, so passes repeat until the last one's factor is near the
// identity (CholeskyQR2); an ill-conditioned y is first taken through a shifted pass, and
// Householder QR remains the fallback for a (numerically) rank-deficient one.
#pragma once

#include <vector>

#include "lrq/backend.hpp"

namespace lrq {

enum class Orthonormality {
  span,   // q spans y's columns and is well conditioned (a power iteration's basis)
  exact,  // qᵀq = I to working precision
};

// y [m, n] = q r with q [m, n] and r upper triangular with a positive diagonal (m >= n).
struct OrthonormalBasis {
  DeviceTensor q;
  std::vector<double> diagonal;  // r's diagonal
};

OrthonormalBasis orthonormal_basis(Backend& backend, const DeviceTensor& y, Orthonormality need);

}  // namespace lrq
