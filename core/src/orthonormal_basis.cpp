#include "orthonormal_basis.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>

#include "device_values.hpp"

namespace lrq {
namespace {

// A pass whose smallest pivot is below this share of its largest saw a y too ill-conditioned for
// its q to feed another pass (u cond² near 0.1 in F32); y then takes the shifted pass.
constexpr double kUsablePivotRatio = 1e-3;
// A pass with pivots this even left q well conditioned enough to span the next power iteration.
constexpr double kSpanPivotRatio = 1e-2;
// The shift, relative to ||y||_F², that makes the Gram matrix of an ill-conditioned y factor.
constexpr double kShift = 1e-4;
// ||l - I||_F below this: the pass's input was orthonormal up to a condition number of 3, so its
// output is orthonormal to working precision.
constexpr double kNearIdentity = 0.5;
constexpr int kMostPasses = 4;

struct CholeskyPass {
  DeviceTensor q;
  DeviceTensor factor;        // l
  std::vector<float> pivots;  // l's diagonal

  double pivot_ratio() const {
    const auto [smallest, largest] = std::minmax_element(pivots.begin(), pivots.end());
    return static_cast<double>(*smallest) / *largest;
  }

  // ||l - I||_F² = ||l||_F² - 2 trace(l) + n.
  bool near_identity(Backend& backend) const {
    double trace = 0.0;
    for (float pivot : pivots)
      trace += pivot;
    const double squares =
        backend.sum_of_squares(factor) - 2.0 * trace + static_cast<double>(pivots.size());
    return squares <= kNearIdentity * kNearIdentity;
  }
};

// One pass over y, with shift_fraction ||y||_F² added to the Gram matrix's diagonal; nothing when
// the factorization breaks down or a pivot is not a positive finite number.
std::optional<CholeskyPass> cholesky_pass(Backend& backend, const DeviceTensor& y,
                                          double shift_fraction) {
  const std::int64_t cols = y.shape[1];
  DeviceTensor gram = product(backend, y, Transpose::yes, y, Transpose::no);
  if (shift_fraction > 0.0) {
    const auto shift = static_cast<float>(shift_fraction * backend.sum_of_squares(y));
    const std::vector<float> diagonal(static_cast<std::size_t>(cols), shift);
    backend.add_diagonal(
        gram, backend.upload(TensorView{DType::F32, {cols}, std::as_bytes(std::span(diagonal))}));
  }
  CholeskyFactor cholesky = backend.cholesky(gram);
  if (!cholesky.positive_definite) return std::nullopt;
  for (float pivot : cholesky.diagonal) {
    if (!(std::isfinite(pivot) && pivot > 0.0f)) return std::nullopt;
  }
  return CholeskyPass{backend.solve_lower_transposed(y, cholesky.factor),
                      std::move(cholesky.factor), std::move(cholesky.diagonal)};
}

// Householder QR, with each column's sign chosen so that r's diagonal is positive.
OrthonormalBasis householder_basis(Backend& backend, const DeviceTensor& y) {
  QrFactors factors = backend.qr(y);
  const std::int64_t cols = y.shape[1];
  const std::vector<float> r = download_values(backend, factors.r);
  OrthonormalBasis basis{std::move(factors.q), {}};
  std::vector<float> signs(static_cast<std::size_t>(cols * cols), 0.0f);
  bool flipped = false;
  for (std::int64_t i = 0; i < cols; ++i) {
    const float pivot = r[static_cast<std::size_t>(i * cols + i)];
    basis.diagonal.push_back(std::abs(pivot));
    signs[static_cast<std::size_t>(i * cols + i)] = pivot < 0.0f ? -1.0f : 1.0f;
    flipped = flipped || pivot < 0.0f;
  }
  if (flipped) basis.q = product(backend, basis.q, upload_matrix(backend, signs, cols, cols));
  return basis;
}

bool enough(Backend& backend, const CholeskyPass& pass, bool shifted, Orthonormality need) {
  if (need == Orthonormality::exact) return pass.near_identity(backend);
  return !shifted && pass.pivot_ratio() >= kSpanPivotRatio;
}

}  // namespace

OrthonormalBasis orthonormal_basis(Backend& backend, const DeviceTensor& y, Orthonormality need) {
  const std::int64_t cols = y.shape[1];
  if (cols == 0) return {y, {}};
  std::optional<CholeskyPass> pass = cholesky_pass(backend, y, 0.0);
  bool shifted = false;
  if (!pass || pass->pivot_ratio() < kUsablePivotRatio) {
    pass = cholesky_pass(backend, y, kShift);
    shifted = true;
  }
  std::vector<double> diagonal(static_cast<std::size_t>(cols), 1.0);
  for (int passes = 1; pass && passes <= kMostPasses; ++passes) {
    for (std::int64_t i = 0; i < cols; ++i)
      diagonal[static_cast<std::size_t>(i)] *= pass->pivots[static_cast<std::size_t>(i)];
    if (enough(backend, *pass, shifted, need)) return {std::move(pass->q), std::move(diagonal)};
    const DeviceTensor q = std::move(pass->q);
    pass = cholesky_pass(backend, q, 0.0);
    if (pass && pass->pivot_ratio() < kUsablePivotRatio) pass.reset();
    shifted = false;
  }
  return householder_basis(backend, y);
}

}  // namespace lrq
