// Every backend's gather, diagonal update, dot product, Cholesky factorization, triangular
// inverse and triangular solve against references written here: element-wise results bit for
// bit, factorizations and solves within bounds that hold for any summation order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "backend_fixture.hpp"
#include "backend_test_data.hpp"
#include "linear_algebra_reference.hpp"

namespace lrq::test {
namespace {

class MatrixToolsConformance : public BackendTest {};

constexpr double kUnitRoundoff = 0x1p-24;
const float kNaN = std::numeric_limits<float>::quiet_NaN();

// G Gᵀ / n + I for a standard normal G [n, n]: symmetric, well conditioned.
std::vector<float> positive_definite(std::int64_t n, std::uint64_t seed) {
  const HostMatrix g(gaussian_values(n, n, seed), n, n);
  const HostMatrix product = multiply(g, transpose(g));
  std::vector<float> a(static_cast<std::size_t>(n * n));
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      a[static_cast<std::size_t>(i * n + j)] =
          static_cast<float>(product(i, j) / static_cast<double>(n) + (i == j ? 1.0 : 0.0));
    }
  }
  return a;
}

// Keeps the lower triangle and puts NaN above it, which must not be read.
std::vector<float> lower_with_nan_above(std::vector<float> a, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = i + 1; j < n; ++j)
      a[static_cast<std::size_t>(i * n + j)] = kNaN;
  }
  return a;
}

void expect_zero_above_diagonal(const std::vector<float>& a, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = i + 1; j < n; ++j)
      ASSERT_EQ(a[static_cast<std::size_t>(i * n + j)], 0.0f) << "(" << i << ", " << j << ")";
  }
}

TEST_P(MatrixToolsConformance, DotIsTheSumOfProducts) {
  const std::vector<float> a = gaussian_values(37, 1100, 1);
  const std::vector<float> b = gaussian_values(37, 1100, 2);
  double expected = 0.0;
  double magnitude = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    expected += double{a[i]} * b[i];
    magnitude += std::fabs(double{a[i]} * b[i]);
  }
  const double result = backend().dot(upload_floats(backend(), a, {37, 1100}),
                                      upload_floats(backend(), b, {37, 1100}));
  EXPECT_NEAR(result, expected, 1e-13 * magnitude);
}

TEST_P(MatrixToolsConformance, GatherPicksRowsAndColumnsAndZeroesMinusOne) {
  const std::int64_t rows = 70;
  const std::int64_t cols = 300;
  const std::vector<float> a = gaussian_values(rows, cols, 3);
  const DeviceTensor device = upload_floats(backend(), a, {rows, cols});
  const std::vector<std::int64_t> row_index = {5, -1, 69, 0, 5};
  std::vector<std::int64_t> col_index;
  for (std::int64_t j = 0; j < 260; ++j)
    col_index.push_back(j % 13 == 0 ? -1 : (j * 7) % cols);
  const DeviceTensor picked = backend().gather(device, row_index, col_index);
  ASSERT_EQ(picked.shape, (Shape{5, 260}));
  const std::vector<float> result = download_floats(backend(), picked);
  for (std::size_t i = 0; i < row_index.size(); ++i) {
    for (std::size_t j = 0; j < col_index.size(); ++j) {
      const float expected = row_index[i] < 0 || col_index[j] < 0
                                 ? 0.0f
                                 : a[static_cast<std::size_t>(row_index[i] * cols + col_index[j])];
      ASSERT_EQ(result[i * col_index.size() + j], expected) << i << ", " << j;
    }
  }
}

TEST_P(MatrixToolsConformance, GatherWithAnEmptyListKeepsThatAxis) {
  const std::vector<float> a = gaussian_values(40, 50, 4);
  const DeviceTensor device = upload_floats(backend(), a, {40, 50});
  const std::vector<std::int64_t> reversed_cols = [] {
    std::vector<std::int64_t> index;
    for (std::int64_t j = 49; j >= 0; --j)
      index.push_back(j);
    return index;
  }();
  const std::vector<float> columns =
      download_floats(backend(), backend().gather(device, {}, reversed_cols));
  const std::vector<float> same = download_floats(backend(), backend().gather(device, {}, {}));
  EXPECT_EQ(same, a);
  for (std::int64_t i = 0; i < 40; ++i) {
    for (std::int64_t j = 0; j < 50; ++j)
      ASSERT_EQ(columns[static_cast<std::size_t>(i * 50 + j)],
                a[static_cast<std::size_t>(i * 50 + 49 - j)]);
  }
}

TEST_P(MatrixToolsConformance, AddDiagonalChangesOnlyTheDiagonal) {
  const std::int64_t n = 130;
  const std::vector<float> a = gaussian_values(n, n, 5);
  const std::vector<float> d = gaussian_values(1, n, 6);
  DeviceTensor device = upload_floats(backend(), a, {n, n});
  backend().add_diagonal(device, upload_floats(backend(), d, {n}));
  const std::vector<float> result = download_floats(backend(), device);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      const std::size_t k = static_cast<std::size_t>(i * n + j);
      ASSERT_EQ(result[k], i == j ? a[k] + d[static_cast<std::size_t>(i)] : a[k]);
    }
  }
}

TEST_P(MatrixToolsConformance, CholeskyFactorReproducesTheMatrixFromItsLowerTriangle) {
  for (const std::int64_t n : {1, 7, 300}) {
    const std::vector<float> a = positive_definite(n, 7);
    const CholeskyFactor factor =
        backend().cholesky(upload_floats(backend(), lower_with_nan_above(a, n), {n, n}));
    ASSERT_TRUE(factor.positive_definite) << n;
    const std::vector<float> l = download_floats(backend(), factor.factor);
    expect_zero_above_diagonal(l, n);
    ASSERT_EQ(factor.diagonal.size(), static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
      EXPECT_EQ(factor.diagonal[static_cast<std::size_t>(i)],
                l[static_cast<std::size_t>(i * n + i)])
          << "pivot " << i;
    }
    const HostMatrix lower(l, n, n);
    const HostMatrix product = multiply(lower, transpose(lower));
    for (std::int64_t i = 0; i < n; ++i) {
      for (std::int64_t j = 0; j < n; ++j) {
        // gamma_(n+1) |L||L|ᵀ <= gamma_(n+1) sqrt(a_ii a_jj) (Higham, Theorem 10.3), doubled.
        const double bound = 2.0 * (n + 1) * kUnitRoundoff *
                             std::sqrt(double{a[static_cast<std::size_t>(i * n + i)]} *
                                       a[static_cast<std::size_t>(j * n + j)]);
        ASSERT_NEAR(product(i, j), a[static_cast<std::size_t>(i * n + j)], bound)
            << "n " << n << " (" << i << ", " << j << ")";
      }
    }
  }
}

TEST_P(MatrixToolsConformance, CholeskySaysWhenTheMatrixIsNotPositiveDefinite) {
  const std::int64_t n = 64;
  std::vector<float> a = positive_definite(n, 8);
  a[static_cast<std::size_t>(40 * n + 40)] = -5.0f;
  EXPECT_FALSE(backend().cholesky(upload_floats(backend(), a, {n, n})).positive_definite);
  const std::vector<float> zeros(static_cast<std::size_t>(n * n), 0.0f);
  EXPECT_FALSE(backend().cholesky(upload_floats(backend(), zeros, {n, n})).positive_definite);
}

TEST_P(MatrixToolsConformance, LowerTriangularInverseInvertsTheLowerTriangle) {
  for (const std::int64_t n : {1, 5, 200}) {
    // The Cholesky factor of a well-conditioned matrix: a realistic, well-conditioned triangle.
    const CholeskyFactor factor =
        backend().cholesky(upload_floats(backend(), positive_definite(n, 9), {n, n}));
    ASSERT_TRUE(factor.positive_definite);
    const std::vector<float> l = download_floats(backend(), factor.factor);
    const std::vector<float> inverse =
        download_floats(backend(), backend().lower_triangular_inverse(upload_floats(
                                       backend(), lower_with_nan_above(l, n), {n, n})));
    expect_zero_above_diagonal(inverse, n);
    const HostMatrix identity = multiply(HostMatrix(l, n, n), HostMatrix(inverse, n, n));
    for (std::int64_t i = 0; i < n; ++i) {
      for (std::int64_t j = 0; j < n; ++j)
        ASSERT_NEAR(identity(i, j), i == j ? 1.0 : 0.0, 1e-4)
            << "n " << n << " (" << i << ", " << j << ")";
    }
  }
}

// x with x lᵀ = y in double, row by row: l x_iᵀ = y_iᵀ by forward substitution.
HostMatrix solve_lower_transposed_reference(const HostMatrix& y, const HostMatrix& l) {
  HostMatrix x(y.rows, y.cols);
  for (std::int64_t i = 0; i < y.rows; ++i) {
    for (std::int64_t j = 0; j < y.cols; ++j) {
      double sum = y(i, j);
      for (std::int64_t k = 0; k < j; ++k)
        sum -= l(j, k) * x(i, k);
      x(i, j) = sum / l(j, j);
    }
  }
  return x;
}

HostMatrix identity(std::int64_t n) {
  HostMatrix a(n, n);
  for (std::int64_t i = 0; i < n; ++i)
    a(i, i) = 1.0;
  return a;
}

HostMatrix absolute(HostMatrix a) {
  for (double& value : a.values)
    value = std::fabs(value);
  return a;
}

TEST_P(MatrixToolsConformance, SolveLowerTransposedSolvesTallRightHandSides) {
  struct Case {
    std::int64_t rows;
    std::int64_t n;
  };
  for (const Case shape : {Case{3, 1}, Case{700, 7}, Case{700, 150}}) {
    const std::int64_t n = shape.n;
    // D (G Gᵀ / n + I) D with D graded from 1 to 1e-3: its Cholesky factor has a condition number
    // near 1e3, like that of a Cholesky QR pass over an ill-conditioned sample.
    std::vector<float> graded = positive_definite(n, 10);
    for (std::int64_t i = 0; i < n; ++i) {
      for (std::int64_t j = 0; j < n; ++j) {
        const double exponent = n > 1 ? -3.0 * static_cast<double>(i + j) / (2.0 * (n - 1)) : 0.0;
        graded[static_cast<std::size_t>(i * n + j)] *= static_cast<float>(std::pow(10.0, exponent));
      }
    }
    const CholeskyFactor factor = backend().cholesky(upload_floats(backend(), graded, {n, n}));
    ASSERT_TRUE(factor.positive_definite);
    const std::vector<float> l = download_floats(backend(), factor.factor);
    const std::vector<float> y = gaussian_values(shape.rows, n, 11);
    const HostMatrix result(
        download_floats(backend(),
                        backend().solve_lower_transposed(
                            upload_floats(backend(), y, {shape.rows, n}),
                            upload_floats(backend(), lower_with_nan_above(l, n), {n, n}))),
        shape.rows, n);

    const HostMatrix lower(l, n, n);
    const HostMatrix expected =
        solve_lower_transposed_reference(HostMatrix(y, shape.rows, n), lower);
    // A backward stable solve is exact for some l + Δl with |Δl| <= γ_n |l| (Higham, Theorem 8.5),
    // so x̂_i - x_i = -l⁻¹ Δl x̂_i: each row within γ_n max(|l⁻¹| |l| |x_i|), doubled for blocked
    // solves and rounding the result to F32.
    const HostMatrix inverse_magnitude =
        absolute(transpose(solve_lower_transposed_reference(identity(n), lower)));
    const HostMatrix growth =
        multiply(absolute(expected), transpose(multiply(inverse_magnitude, absolute(lower))));
    for (std::int64_t i = 0; i < shape.rows; ++i) {
      double largest = 0.0;
      for (std::int64_t j = 0; j < n; ++j)
        largest = std::max(largest, growth(i, j));
      const double bound = 4.0 * (n + 1) * kUnitRoundoff * largest;
      for (std::int64_t j = 0; j < n; ++j) {
        ASSERT_NEAR(result(i, j), expected(i, j), bound)
            << shape.rows << " x " << n << " (" << i << ", " << j << ")";
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, MatrixToolsConformance, ::testing::ValuesIn(backend_names()),
                         backend_test_name);

}  // namespace
}  // namespace lrq::test
