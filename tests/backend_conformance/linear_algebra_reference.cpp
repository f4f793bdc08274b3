#include "linear_algebra_reference.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "lrq/rng.hpp"

namespace lrq::test {

HostMatrix::HostMatrix(std::int64_t row_count, std::int64_t col_count)
    : rows(row_count), cols(col_count), values(static_cast<std::size_t>(row_count * col_count)) {}

HostMatrix::HostMatrix(const std::vector<float>& row_major, std::int64_t row_count,
                       std::int64_t col_count)
    : rows(row_count), cols(col_count), values(row_major.begin(), row_major.end()) {}

HostMatrix transpose(const HostMatrix& a) {
  HostMatrix result(a.cols, a.rows);
  for (std::int64_t r = 0; r < a.rows; ++r) {
    for (std::int64_t c = 0; c < a.cols; ++c)
      result(c, r) = a(r, c);
  }
  return result;
}

HostMatrix multiply(const HostMatrix& a, const HostMatrix& b) {
  HostMatrix result(a.rows, b.cols);
  for (std::int64_t r = 0; r < a.rows; ++r) {
    for (std::int64_t p = 0; p < a.cols; ++p) {
      const double left = a(r, p);
      for (std::int64_t c = 0; c < b.cols; ++c)
        result(r, c) += left * b(p, c);
    }
  }
  return result;
}

HostMatrix subtract(const HostMatrix& a, const HostMatrix& b) {
  HostMatrix result = a;
  std::transform(a.values.begin(), a.values.end(), b.values.begin(), result.values.begin(),
                 std::minus<>());
  return result;
}

HostMatrix scale_columns(HostMatrix a, const std::vector<float>& factors) {
  for (std::int64_t r = 0; r < a.rows; ++r) {
    for (std::int64_t c = 0; c < a.cols; ++c)
      a(r, c) *= factors[static_cast<std::size_t>(c)];
  }
  return a;
}

double frobenius_norm(const HostMatrix& a) {
  double sum = 0.0;
  for (double value : a.values)
    sum += value * value;
  return std::sqrt(sum);
}

double orthonormality_error(const HostMatrix& q) {
  const HostMatrix gram = multiply(transpose(q), q);
  double worst = 0.0;
  for (std::int64_t r = 0; r < gram.rows; ++r) {
    for (std::int64_t c = 0; c < gram.cols; ++c)
      worst = std::max(worst, std::fabs(gram(r, c) - (r == c ? 1.0 : 0.0)));
  }
  return worst;
}

double subspace_error(const HostMatrix& a, const HostMatrix& u, const HostMatrix& v) {
  const HostMatrix image = multiply(a, v);
  return frobenius_norm(subtract(image, multiply(u, multiply(transpose(u), image))));
}

std::vector<double> jacobi_singular_values(const HostMatrix& a) {
  // Columns of the taller orientation, each stored contiguously.
  const HostMatrix columns = a.rows >= a.cols ? transpose(a) : a;
  const std::int64_t n = columns.rows;
  const std::int64_t length = columns.cols;
  std::vector<double> w = columns.values;
  const auto column = [&](std::int64_t j) { return w.data() + j * length; };
  for (int sweep = 0; sweep < 60; ++sweep) {
    bool rotated = false;
    for (std::int64_t p = 0; p < n; ++p) {
      for (std::int64_t q = p + 1; q < n; ++q) {
        double alpha = 0.0, beta = 0.0, gamma = 0.0;
        for (std::int64_t i = 0; i < length; ++i) {
          alpha += column(p)[i] * column(p)[i];
          beta += column(q)[i] * column(q)[i];
          gamma += column(p)[i] * column(q)[i];
        }
        if (std::fabs(gamma) <= 1e-15 * std::sqrt(alpha * beta)) continue;
        rotated = true;
        const double zeta = (beta - alpha) / (2.0 * gamma);
        const double t = std::copysign(1.0, zeta) / (std::fabs(zeta) + std::hypot(1.0, zeta));
        const double c = 1.0 / std::hypot(1.0, t);
        const double s = c * t;
        for (std::int64_t i = 0; i < length; ++i) {
          const double x = column(p)[i];
          const double y = column(q)[i];
          column(p)[i] = c * x - s * y;
          column(q)[i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  std::vector<double> singular_values(static_cast<std::size_t>(n));
  for (std::int64_t j = 0; j < n; ++j) {
    double sum = 0.0;
    for (std::int64_t i = 0; i < length; ++i)
      sum += column(j)[i] * column(j)[i];
    singular_values[static_cast<std::size_t>(j)] = std::sqrt(sum);
  }
  std::sort(singular_values.begin(), singular_values.end(), std::greater<>());
  return singular_values;
}

std::vector<float> gaussian_values(std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> values(static_cast<std::size_t>(rows * cols));
  for (float& value : values)
    value = static_cast<float>(rng.normal());
  return values;
}

std::vector<float> low_rank_plus_noise(std::int64_t rows, std::int64_t cols, std::int64_t rank,
                                       double decay, double noise, std::uint64_t seed) {
  const std::vector<float> left = gaussian_values(rows, rank, seed);
  const std::vector<float> right = gaussian_values(rank, cols, seed + 1);
  std::vector<float> values = gaussian_values(rows, cols, seed + 2);
  const double normalization = 1.0 / std::sqrt(static_cast<double>(rows * cols));
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) {
      double sum = 0.0;
      double strength = 10.0 * normalization;
      for (std::int64_t i = 0; i < rank; ++i, strength *= decay) {
        sum += strength * left[static_cast<std::size_t>(r * rank + i)] *
               right[static_cast<std::size_t>(i * cols + c)];
      }
      float& value = values[static_cast<std::size_t>(r * cols + c)];
      value = static_cast<float>(sum + noise * value);
    }
  }
  return values;
}

}  // namespace lrq::test
