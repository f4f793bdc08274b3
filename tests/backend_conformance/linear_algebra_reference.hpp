// Straightforward double-precision references for the linear algebra tests: products by the
// definition and a one-sided Jacobi SVD, plus the random matrices the tests run on.
#pragma once

#include <cstdint>
#include <vector>

namespace lrq::test {

// Row-major, double.
struct HostMatrix {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::vector<double> values;

  HostMatrix() = default;
  HostMatrix(std::int64_t row_count, std::int64_t col_count);
  HostMatrix(const std::vector<float>& row_major, std::int64_t row_count, std::int64_t col_count);

  double& operator()(std::int64_t row, std::int64_t col) {
    return values[static_cast<std::size_t>(row * cols + col)];
  }
  double operator()(std::int64_t row, std::int64_t col) const {
    return values[static_cast<std::size_t>(row * cols + col)];
  }
};

HostMatrix transpose(const HostMatrix& a);
HostMatrix multiply(const HostMatrix& a, const HostMatrix& b);
HostMatrix subtract(const HostMatrix& a, const HostMatrix& b);
HostMatrix scale_columns(HostMatrix a, const std::vector<float>& factors);
double frobenius_norm(const HostMatrix& a);

// max |QᵀQ - I| over the entries.
double orthonormality_error(const HostMatrix& q);

// ||(I - U Uᵀ) A V||_F: how much of A's action on V falls outside the span of U.
double subspace_error(const HostMatrix& a, const HostMatrix& u, const HostMatrix& v);

// Every singular value of a, descending (one-sided Jacobi rotations until the columns are
// orthogonal to working precision).
std::vector<double> jacobi_singular_values(const HostMatrix& a);

// Standard normal entries, row-major.
std::vector<float> gaussian_values(std::int64_t rows, std::int64_t cols, std::uint64_t seed);

// sum_i s_i x_i y_iᵀ with s_i = 10 * decay^i and random unit-ish x_i, y_i, plus `noise` times a
// standard normal matrix.
std::vector<float> low_rank_plus_noise(std::int64_t rows, std::int64_t cols, std::int64_t rank,
                                       double decay, double noise, std::uint64_t seed);

}  // namespace lrq::test
