// Every backend's dense linear algebra against double-precision references written here. Float
// results are checked against error bounds that hold for any summation order, so a backend may
// block, reorder or fuse its arithmetic.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "backend_fixture.hpp"
#include "backend_test_data.hpp"
#include "linear_algebra_reference.hpp"
#include "lrq/error.hpp"

namespace lrq::test {
namespace {

class LinearAlgebraConformance : public BackendTest {};

constexpr double kUnitRoundoff = 0x1p-24;

struct Operand {
  std::vector<float> values;
  Shape stored;
};

// op(x) of a stored row-major operand, as a double matrix.
HostMatrix used(const Operand& x, Transpose transpose) {
  const HostMatrix stored(x.values, x.stored[0], x.stored[1]);
  return transpose == Transpose::yes ? lrq::test::transpose(stored) : stored;
}

HostMatrix absolute(HostMatrix a) {
  for (double& value : a.values)
    value = std::fabs(value);
  return a;
}

TEST_P(LinearAlgebraConformance, ZerosIsAnF32TensorOfZeros) {
  const DeviceTensor zeros = backend().zeros({37, 1100});
  EXPECT_EQ(zeros.dtype, DType::F32);
  EXPECT_EQ(zeros.shape, (Shape{37, 1100}));
  EXPECT_EQ(download_floats(backend(), zeros), std::vector<float>(37 * 1100, 0.0f));
}

// The product spans several tiles of a blocked implementation, with partial tiles at the edges.
TEST_P(LinearAlgebraConformance, GemmMatchesTheDefinitionForEveryTransposeAndScaling) {
  const std::int64_t m = 150;
  const std::int64_t n = 270;
  const std::int64_t k = 70;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::pair<float, float> scalings[] = {
      {1.0f, 0.0f}, {-0.75f, 0.0f}, {0.5f, 1.0f}, {1.25f, -0.5f}};
  for (const Transpose transpose_a : {Transpose::no, Transpose::yes}) {
    for (const Transpose transpose_b : {Transpose::no, Transpose::yes}) {
      const Operand a{gaussian_values(m, k, 1),
                      transpose_a == Transpose::yes ? Shape{k, m} : Shape{m, k}};
      const Operand b{gaussian_values(k, n, 2),
                      transpose_b == Transpose::yes ? Shape{n, k} : Shape{k, n}};
      const HostMatrix exact = multiply(used(a, transpose_a), used(b, transpose_b));
      const HostMatrix magnitude =
          multiply(absolute(used(a, transpose_a)), absolute(used(b, transpose_b)));
      const DeviceTensor a_device = upload_floats(backend(), a.values, a.stored);
      const DeviceTensor b_device = upload_floats(backend(), b.values, b.stored);
      for (const auto& [alpha, beta] : scalings) {
        const std::vector<float> before =
            beta == 0.0f ? std::vector<float>(m * n, nan) : gaussian_values(m, n, 3);
        DeviceTensor c = upload_floats(backend(), before, {m, n});
        backend().gemm(alpha, a_device, transpose_a, b_device, transpose_b, beta, c);
        const std::vector<float> result = download_floats(backend(), c);
        for (std::int64_t r = 0; r < m; ++r) {
          for (std::int64_t col = 0; col < n; ++col) {
            const std::size_t i = static_cast<std::size_t>(r * n + col);
            const double old = beta == 0.0f ? 0.0 : beta * double{before[i]};
            const double expected = alpha * exact(r, col) + old;
            // gamma_(k+3) of the standard error bound, doubled for slack.
            const double bound = 2.0 * (k + 3) * kUnitRoundoff *
                                 (std::fabs(alpha) * magnitude(r, col) + std::fabs(old));
            ASSERT_NEAR(result[i], expected, bound)
                << "transpose a " << (transpose_a == Transpose::yes) << ", b "
                << (transpose_b == Transpose::yes) << ", alpha " << alpha << ", beta " << beta
                << ", element (" << r << ", " << col << ")";
          }
        }
      }
    }
  }
}

TEST_P(LinearAlgebraConformance, GemmOverAnEmptyInnerDimensionOnlyScalesC) {
  const DeviceTensor a = backend().zeros({3, 0});
  const DeviceTensor b = backend().zeros({0, 2});
  DeviceTensor c = upload_floats(backend(), {1, 2, 3, 4, 5, 6}, {3, 2});
  backend().gemm(2.0f, a, Transpose::no, b, Transpose::no, 0.5f, c);
  EXPECT_EQ(download_floats(backend(), c), (std::vector<float>{0.5f, 1, 1.5f, 2, 2.5f, 3}));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  c = upload_floats(backend(), std::vector<float>(6, nan), {3, 2});
  backend().gemm(2.0f, a, Transpose::no, b, Transpose::no, 0.0f, c);
  EXPECT_EQ(download_floats(backend(), c), std::vector<float>(6, 0.0f));
}

TEST_P(LinearAlgebraConformance, GemmRejectsShapesThatDoNotMatch) {
  const DeviceTensor a = backend().zeros({4, 5});
  const DeviceTensor b = backend().zeros({6, 3});
  DeviceTensor c = backend().zeros({4, 3});
  EXPECT_THROW(backend().gemm(1.0f, a, Transpose::no, b, Transpose::no, 0.0f, c), Error);
  DeviceTensor wrong_c = backend().zeros({4, 4});
  const DeviceTensor b_fits = backend().zeros({5, 3});
  EXPECT_THROW(backend().gemm(1.0f, a, Transpose::no, b_fits, Transpose::no, 0.0f, wrong_c), Error);
}

// Rank-deficient input (repeated columns) must still give orthonormal columns.
std::vector<float> with_repeated_columns(std::int64_t rows, std::int64_t cols) {
  std::vector<float> values = gaussian_values(rows, cols, 4);
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = cols / 2; c < cols; ++c) {
      values[static_cast<std::size_t>(r * cols + c)] =
          values[static_cast<std::size_t>(r * cols + c - cols / 2)];
    }
  }
  return values;
}

TEST_P(LinearAlgebraConformance, QrFactorsIntoOrthonormalColumnsAndAnUpperTriangle) {
  struct Case {
    std::int64_t rows;
    std::int64_t cols;
    std::vector<float> values;
  };
  const Case cases[] = {{300, 90, gaussian_values(300, 90, 5)},
                        {64, 64, gaussian_values(64, 64, 6)},
                        {200, 40, with_repeated_columns(200, 40)}};
  for (const Case& matrix : cases) {
    const QrFactors factors =
        backend().qr(upload_floats(backend(), matrix.values, {matrix.rows, matrix.cols}));
    ASSERT_EQ(factors.q.shape, (Shape{matrix.rows, matrix.cols}));
    ASSERT_EQ(factors.r.shape, (Shape{matrix.cols, matrix.cols}));
    const HostMatrix q(download_floats(backend(), factors.q), matrix.rows, matrix.cols);
    const HostMatrix r(download_floats(backend(), factors.r), matrix.cols, matrix.cols);
    const HostMatrix a(matrix.values, matrix.rows, matrix.cols);
    EXPECT_LE(orthonormality_error(q), 1e-5) << matrix.rows << "x" << matrix.cols;
    for (std::int64_t row = 1; row < r.rows; ++row) {
      for (std::int64_t col = 0; col < row; ++col)
        ASSERT_EQ(r(row, col), 0.0) << "below the diagonal at (" << row << ", " << col << ")";
    }
    EXPECT_LE(frobenius_norm(subtract(multiply(q, r), a)), 1e-5 * frobenius_norm(a))
        << matrix.rows << "x" << matrix.cols;
  }
}

TEST_P(LinearAlgebraConformance, QrRejectsAWideMatrix) {
  EXPECT_THROW(backend().qr(backend().zeros({3, 5})), Error);
}

TEST_P(LinearAlgebraConformance, SvdFactorsASquareMatrix) {
  const std::int64_t full = 90;
  const std::int64_t low = 40;
  const std::pair<std::int64_t, std::vector<float>> cases[] = {
      {full, gaussian_values(full, full, 7)},
      {low, low_rank_plus_noise(low, low, 10, 0.7, 0.0, 8)}};
  for (const auto& [n, values] : cases) {
    const SvdFactors factors = backend().svd(upload_floats(backend(), values, {n, n}));
    ASSERT_EQ(factors.u.shape, (Shape{n, n}));
    ASSERT_EQ(factors.singular_values.shape, (Shape{n}));
    ASSERT_EQ(factors.v.shape, (Shape{n, n}));
    const HostMatrix a(values, n, n);
    const HostMatrix u(download_floats(backend(), factors.u), n, n);
    const HostMatrix v(download_floats(backend(), factors.v), n, n);
    const std::vector<float> s = download_floats(backend(), factors.singular_values);
    const std::vector<double> expected = jacobi_singular_values(a);
    EXPECT_LE(orthonormality_error(u), 1e-5) << n;
    EXPECT_LE(orthonormality_error(v), 1e-5) << n;
    for (std::size_t i = 0; i < s.size(); ++i) {
      EXPECT_NEAR(s[i], expected[i], 1e-5 * expected[0]) << n << ": singular value " << i;
      if (i > 0) {
        EXPECT_LE(s[i], s[i - 1]) << n << ": singular value " << i;
      }
    }
    const HostMatrix rebuilt = multiply(scale_columns(u, s), transpose(v));
    EXPECT_LE(frobenius_norm(subtract(rebuilt, a)), 1e-5 * frobenius_norm(a)) << n;
  }
}

// A symmetric matrix, indefinite (from a Gaussian) or a rank-deficient Gram matrix, with NaN in
// its strict upper triangle, which must not be read.
TEST_P(LinearAlgebraConformance, SymmetricEigenFactorsFromTheLowerTriangle) {
  const std::int64_t n = 70;
  const HostMatrix gaussian(gaussian_values(n, n, 9), n, n);
  HostMatrix indefinite(n, n);
  for (std::int64_t row = 0; row < n; ++row) {
    for (std::int64_t col = 0; col < n; ++col)
      indefinite(row, col) = 0.5 * (gaussian(row, col) + gaussian(col, row));
  }
  const HostMatrix tall(low_rank_plus_noise(90, n, 12, 0.8, 0.0, 10), 90, n);
  const HostMatrix cases[] = {indefinite, multiply(transpose(tall), tall)};
  for (const HostMatrix& symmetric : cases) {
    std::vector<float> poisoned(symmetric.values.begin(), symmetric.values.end());
    for (std::int64_t row = 0; row < n; ++row) {
      for (std::int64_t col = row + 1; col < n; ++col)
        poisoned[static_cast<std::size_t>(row * n + col)] = std::nanf("");
    }
    const SymmetricEigen eigen =
        backend().symmetric_eigen(upload_floats(backend(), poisoned, {n, n}));
    ASSERT_EQ(eigen.values.shape, (Shape{n}));
    ASSERT_EQ(eigen.vectors.shape, (Shape{n, n}));
    const std::vector<float> values = download_floats(backend(), eigen.values);
    const HostMatrix vectors(download_floats(backend(), eigen.vectors), n, n);
    EXPECT_LE(orthonormality_error(vectors), 1e-5);
    for (std::size_t i = 1; i < values.size(); ++i)
      EXPECT_LE(values[i - 1], values[i]) << "eigenvalue " << i;
    // |eigenvalues| are the singular values of a symmetric matrix.
    std::vector<double> magnitudes(values.begin(), values.end());
    for (double& magnitude : magnitudes)
      magnitude = std::abs(magnitude);
    std::sort(magnitudes.rbegin(), magnitudes.rend());
    const std::vector<double> expected = jacobi_singular_values(symmetric);
    for (std::size_t i = 0; i < magnitudes.size(); ++i)
      EXPECT_NEAR(magnitudes[i], expected[i], 1e-5 * expected[0]) << "eigenvalue " << i;
    const HostMatrix rebuilt = multiply(scale_columns(vectors, values), transpose(vectors));
    EXPECT_LE(frobenius_norm(subtract(rebuilt, symmetric)), 1e-5 * frobenius_norm(symmetric));
  }
}

TEST_P(LinearAlgebraConformance, SymmetricEigenRejectsANonSquareMatrix) {
  EXPECT_THROW(backend().symmetric_eigen(backend().zeros({6, 5})), Error);
}

TEST_P(LinearAlgebraConformance, SvdRejectsANonSquareMatrix) {
  EXPECT_THROW(backend().svd(backend().zeros({6, 5})), Error);
}

// Long enough to span several chunks of a chunked implementation.
constexpr std::int64_t kLength = 200003;

TEST_P(LinearAlgebraConformance, AxpbyMatchesTheFormulaAndIgnoresYWhenBetaIsZero) {
  const std::vector<float> x = gaussian_values(1, kLength, 9);
  const std::vector<float> y = gaussian_values(1, kLength, 10);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const DeviceTensor x_device = upload_floats(backend(), x, {kLength});
  const std::pair<float, float> scalings[] = {{0.3f, 0.0f}, {1.0f, 1.0f}, {-2.5f, 0.75f}};
  for (const auto& [alpha, beta] : scalings) {
    DeviceTensor y_device =
        upload_floats(backend(), beta == 0.0f ? std::vector<float>(kLength, nan) : y, {kLength});
    backend().axpby(alpha, x_device, beta, y_device);
    const std::vector<float> result = download_floats(backend(), y_device);
    for (std::size_t i = 0; i < result.size(); ++i) {
      const double old = beta == 0.0f ? 0.0 : beta * double{y[i]};
      const double scaled = alpha * double{x[i]};
      // Two roundings, or one when fused.
      ASSERT_NEAR(result[i], scaled + old,
                  2.0 * kUnitRoundoff * (std::fabs(scaled) + std::fabs(old)))
          << "alpha " << alpha << ", beta " << beta << ", element " << i;
    }
  }
}

TEST_P(LinearAlgebraConformance, AxpbyRejectsDifferentShapes) {
  DeviceTensor y = backend().zeros({4, 4});
  EXPECT_THROW(backend().axpby(1.0f, backend().zeros({4, 5}), 1.0f, y), Error);
}

TEST_P(LinearAlgebraConformance, SumOfSquaresMatchesADoubleSum) {
  const std::vector<float> x = gaussian_values(3, kLength, 11);
  double expected = 0.0;
  for (float value : x)
    expected += double{value} * value;
  EXPECT_NEAR(backend().sum_of_squares(upload_floats(backend(), x, {3, kLength})), expected,
              1e-12 * expected);
  EXPECT_EQ(backend().sum_of_squares(backend().zeros({0, 4})), 0.0);
}

// The documented update in float, one element at a time; returns the magnitude of the step
// subtracted from p.
float reference_moment_step(const MomentStep& step, float g, float& p, float& m, float& v) {
  m = step.beta1 * m + (1.0f - step.beta1) * g;
  v = step.beta2 * v + (1.0f - step.beta2) * (g * g);
  const float update = step.step * m / (std::sqrt(v) * step.sqrt_v_factor + step.epsilon);
  p = p * step.decay - update;
  return std::fabs(update);
}

TEST_P(LinearAlgebraConformance, MomentStepMatchesTheDocumentedUpdate) {
  // AdamW, RAdam rectified and RAdam unrectified, applied one after another.
  const MomentStep steps[] = {{0.9f, 0.999f, 0.9999f, 0.01f, 1.0f / std::sqrt(0.001f), 1e-8f},
                              {0.9f, 0.999f, 1.0f, 0.003f, 1.0f, 1e-8f},
                              {0.8f, 0.99f, 1.0f, 0.002f, 0.0f, 1.0f}};
  std::vector<float> p = gaussian_values(1, kLength, 12);
  std::vector<float> m(kLength, 0.0f);
  std::vector<float> v(kLength, 0.0f);
  DeviceTensor p_device = upload_floats(backend(), p, {kLength});
  DeviceTensor m_device = backend().zeros({kLength});
  DeviceTensor v_device = backend().zeros({kLength});
  std::uint64_t seed = 13;
  for (const MomentStep& step : steps) {
    const std::vector<float> g = gaussian_values(1, kLength, seed++);
    backend().moment_step(step, upload_floats(backend(), g, {kLength}), p_device, m_device,
                          v_device);
    std::vector<float> updates(p.size());
    for (std::size_t i = 0; i < p.size(); ++i)
      updates[i] = reference_moment_step(step, g[i], p[i], m[i], v[i]);
    const std::vector<float> p_result = download_floats(backend(), p_device);
    const std::vector<float> m_result = download_floats(backend(), m_device);
    const std::vector<float> v_result = download_floats(backend(), v_device);
    for (std::size_t i = 0; i < p.size(); ++i) {
      // A few roundings apart at most (fused multiply-adds, another square root or division).
      ASSERT_NEAR(m_result[i], m[i], 8 * kUnitRoundoff * (std::fabs(m[i]) + std::fabs(g[i])));
      ASSERT_NEAR(v_result[i], v[i], 8 * kUnitRoundoff * v[i]);
      ASSERT_NEAR(p_result[i], p[i], 16 * kUnitRoundoff * (std::fabs(p[i]) + updates[i]))
          << "element " << i;
    }
  }
}

TEST_P(LinearAlgebraConformance, MomentStepRejectsDifferentShapes) {
  DeviceTensor p = backend().zeros({8});
  DeviceTensor m = backend().zeros({8});
  DeviceTensor v = backend().zeros({9});
  EXPECT_THROW(backend().moment_step(MomentStep{}, backend().zeros({8}), p, m, v), Error);
}

INSTANTIATE_TEST_SUITE_P(Backends, LinearAlgebraConformance, ::testing::ValuesIn(backend_names()),
                         backend_test_name);

}  // namespace
}  // namespace lrq::test
