// Truncated SVD of a weight on a backend, composed from the backend's dense primitives, so every
// backend runs the same algorithm on the same random test matrix.
#pragma once

#include <cstdint>
#include <vector>

#include "lrq/backend.hpp"

namespace lrq {

// The top-k singular triplets of a = u diag(s) vᵀ: u [m, k], v [n, k] (orthonormal columns).
struct TruncatedSvd {
  DeviceTensor u;
  DeviceTensor v;
  std::vector<float> singular_values;  // k, descending
};

struct RandomizedSvdOptions {
  std::int64_t rank = 0;         // k; capped at min(m, n)
  std::int64_t oversample = 10;  // extra columns of the test matrix
  int power_iterations = 4;      // subspace iterations, each re-orthonormalized
  std::uint64_t seed = 0;        // the Gaussian test matrix, drawn on the host with lrq::Rng
};

// The randomized range finder of Halko, Martinsson and Tropp (as torch.svd_lowrank): q = k +
// oversample columns, power iterations, then the top k of the projected q x n matrix b through
// the eigendecomposition of its q x q Gram matrix b bᵀ. Bases are orthonormalized by Cholesky QR
// (Householder QR where that breaks down), so the work is matrix products. When k + oversample
// reaches min(m, n) the range would be everything, and the top k come straight from the smaller
// of aᵀa and a aᵀ.
TruncatedSvd randomized_svd(Backend& backend, const DeviceTensor& a,
                            const RandomizedSvdOptions& options);

// The exact top-k triplets: the thin QR of a (or of aᵀ when m < n) and the SVD of its triangular
// factor.
TruncatedSvd exact_svd(Backend& backend, const DeviceTensor& a, std::int64_t rank);

}  // namespace lrq
