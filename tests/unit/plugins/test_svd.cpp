// The truncated SVDs of lrq/svd.hpp on every backend, against a one-sided Jacobi SVD in double.
#include "lrq/svd.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "backend_fixture.hpp"
#include "backend_test_data.hpp"
#include "linear_algebra_reference.hpp"
#include "lrq/error.hpp"

namespace lrq::test {
namespace {

class TruncatedSvdTest : public BackendTest {};

struct Matrix {
  std::int64_t rows;
  std::int64_t cols;
  std::vector<float> values;
};

struct Tolerances {
  double singular_values;  // relative to the largest
  double subspace;         // ||(I - U Uᵀ) A V|| / ||A||
  double reconstruction;   // ||A - U S Vᵀ|| / ||A||
};

// Checks shapes, orthonormality, the singular values against Jacobi's and how well U and V
// capture A.
void expect_truncated_svd(Backend& backend, const Matrix& matrix, const TruncatedSvd& svd,
                          std::int64_t k, const Tolerances& tolerances) {
  ASSERT_EQ(svd.u.shape, (Shape{matrix.rows, k}));
  ASSERT_EQ(svd.v.shape, (Shape{matrix.cols, k}));
  ASSERT_EQ(svd.singular_values.size(), static_cast<std::size_t>(k));
  const HostMatrix a(matrix.values, matrix.rows, matrix.cols);
  const HostMatrix u(download_floats(backend, svd.u), matrix.rows, k);
  const HostMatrix v(download_floats(backend, svd.v), matrix.cols, k);
  EXPECT_LE(orthonormality_error(u), 1e-5);
  EXPECT_LE(orthonormality_error(v), 1e-5);
  const std::vector<double> expected = jacobi_singular_values(a);
  for (std::size_t i = 0; i < svd.singular_values.size(); ++i) {
    EXPECT_NEAR(svd.singular_values[i], expected[i], tolerances.singular_values * expected[0])
        << "singular value " << i;
  }
  const double norm = frobenius_norm(a);
  EXPECT_LE(subspace_error(a, u, v), tolerances.subspace * norm);
  const HostMatrix rebuilt = multiply(scale_columns(u, svd.singular_values), transpose(v));
  EXPECT_LE(frobenius_norm(subtract(a, rebuilt)), tolerances.reconstruction * norm);
}

double tail_norm(const Matrix& matrix, std::int64_t k) {
  const std::vector<double> s =
      jacobi_singular_values(HostMatrix(matrix.values, matrix.rows, matrix.cols));
  double sum = 0.0;
  for (std::size_t i = static_cast<std::size_t>(k); i < s.size(); ++i)
    sum += s[i] * s[i];
  return std::sqrt(sum);
}

RandomizedSvdOptions with_rank(std::int64_t rank, std::uint64_t seed = 1) {
  RandomizedSvdOptions options;
  options.rank = rank;
  options.seed = seed;
  return options;
}

TEST_P(TruncatedSvdTest, RandomizedSvdRecoversAnExactlyLowRankMatrix) {
  for (const auto& [rows, cols] : {std::pair{240, 160}, std::pair{160, 240}}) {
    const Matrix matrix{rows, cols, low_rank_plus_noise(rows, cols, 6, 0.6, 0.0, 21)};
    const TruncatedSvd svd = randomized_svd(
        backend(), upload_floats(backend(), matrix.values, {rows, cols}), with_rank(6));
    SCOPED_TRACE(std::to_string(rows) + "x" + std::to_string(cols));
    expect_truncated_svd(backend(), matrix, svd, 6, {1e-5, 1e-5, 1e-5});
  }
}

// The top k of low_rank_plus_noise(rows, cols, rank, decay, noise, seed), tall and wide: the best
// rank-k approximation leaves the tail; the randomized one may leave little more.
void expect_dominant_subspace(Backend& backend, std::int64_t rank, double decay, double noise,
                              std::uint64_t seed, std::int64_t k) {
  for (const auto& [rows, cols] : {std::pair{240, 160}, std::pair{160, 240}}) {
    const Matrix matrix{rows, cols, low_rank_plus_noise(rows, cols, rank, decay, noise, seed)};
    const TruncatedSvd svd =
        randomized_svd(backend, upload_floats(backend, matrix.values, {rows, cols}), with_rank(k));
    SCOPED_TRACE(std::to_string(rows) + "x" + std::to_string(cols));
    const double norm = frobenius_norm(HostMatrix(matrix.values, rows, cols));
    expect_truncated_svd(backend, matrix, svd, k,
                         {1e-5, 1e-4, 1.0001 * tail_norm(matrix, k) / norm + 1e-5});
  }
}

TEST_P(TruncatedSvdTest, RandomizedSvdFindsTheDominantSubspaceUnderNoise) {
  expect_dominant_subspace(backend(), 12, 0.8, 1e-3, 22, 8);
}

// Singular values falling by 0.7 each: the range finder's first sample is conditioned far beyond
// what one Cholesky QR pass orthonormalizes in F32, so its bases go through the shifted pass. The
// Gram matrix of the projected weight squares its condition number, so the smallest kept singular
// vectors carry errors near u (s_1 / s_k)^2 (1.7e-5 of the norm on an H100), within the subspace
// bound of 1e-4.
TEST_P(TruncatedSvdTest, RandomizedSvdHandlesAFastDecayingSpectrum) {
  expect_dominant_subspace(backend(), 60, 0.7, 0.0, 26, 12);
}

TEST_P(TruncatedSvdTest, ExactSvdMatchesTheJacobiReference) {
  for (const auto& [rows, cols] : {std::pair{120, 80}, std::pair{80, 120}}) {
    const Matrix matrix{rows, cols, gaussian_values(rows, cols, 23)};
    const DeviceTensor a = upload_floats(backend(), matrix.values, {rows, cols});
    SCOPED_TRACE(std::to_string(rows) + "x" + std::to_string(cols));
    expect_truncated_svd(backend(), matrix, exact_svd(backend(), a, 80), 80, {1e-5, 1e-5, 1e-5});
    const double tail =
        tail_norm(matrix, 10) / frobenius_norm(HostMatrix(matrix.values, rows, cols));
    expect_truncated_svd(backend(), matrix, exact_svd(backend(), a, 10), 10,
                         {1e-5, 1e-5, 1.0001 * tail + 1e-5});
  }
}

TEST_P(TruncatedSvdTest, TheRankIsCappedAtTheSmallerDimension) {
  const Matrix matrix{60, 40, gaussian_values(60, 40, 24)};
  const DeviceTensor a = upload_floats(backend(), matrix.values, {60, 40});
  expect_truncated_svd(backend(), matrix, randomized_svd(backend(), a, with_rank(1000)), 40,
                       {1e-5, 1e-5, 1e-5});
  expect_truncated_svd(backend(), matrix, exact_svd(backend(), a, 1000), 40, {1e-5, 1e-5, 1e-5});
}

TEST_P(TruncatedSvdTest, ARankBelowOneIsRefused) {
  const DeviceTensor a = backend().zeros({8, 6});
  EXPECT_THROW(randomized_svd(backend(), a, with_rank(0)), Error);
  EXPECT_THROW(exact_svd(backend(), a, 0), Error);
}

TEST_P(TruncatedSvdTest, TheSeedDeterminesTheResult) {
  const std::vector<float> values = low_rank_plus_noise(200, 150, 12, 0.8, 1e-2, 25);
  const DeviceTensor a = upload_floats(backend(), values, {200, 150});
  const auto bits = [&](std::uint64_t seed) {
    const TruncatedSvd svd = randomized_svd(backend(), a, with_rank(8, seed));
    std::vector<float> all = download_floats(backend(), svd.u);
    const std::vector<float> v = download_floats(backend(), svd.v);
    all.insert(all.end(), v.begin(), v.end());
    all.insert(all.end(), svd.singular_values.begin(), svd.singular_values.end());
    return all;
  };
  const std::vector<float> first = bits(7);
  const std::vector<float> again = bits(7);
  ASSERT_EQ(first.size(), again.size());
  EXPECT_EQ(std::memcmp(first.data(), again.data(), first.size() * sizeof(float)), 0);
  EXPECT_NE(bits(8), first);
}

INSTANTIATE_TEST_SUITE_P(Backends, TruncatedSvdTest, ::testing::ValuesIn(backend_names()),
                         backend_test_name);

}  // namespace
}  // namespace lrq::test
