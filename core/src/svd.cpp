#include "lrq/svd.hpp"

#include <algorithm>
#include <numeric>
#include <span>
#include <string>

#include "device_values.hpp"
#include "lrq/error.hpp"
#include "lrq/rng.hpp"
#include "orthonormal_basis.hpp"

namespace lrq {
namespace {

struct MatrixDims {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
};

MatrixDims matrix_dims(const DeviceTensor& a, const char* operation) {
  if (a.shape.size() != 2 || a.dtype != DType::F32) {
    throw Error(ErrorCategory::internal, std::string(operation) + " needs a 2-D F32 matrix, got " +
                                             std::string(safetensors_name(a.dtype)) + " " +
                                             shape_to_string(a.shape));
  }
  return {a.shape[0], a.shape[1]};
}

// k, capped at min(m, n).
std::int64_t checked_rank(std::int64_t rank, MatrixDims dims, const char* operation) {
  if (rank < 1) {
    throw Error(
        ErrorCategory::internal,
        std::string(operation) + " needs a rank of at least 1, got " + std::to_string(rank));
  }
  return std::min(rank, std::min(dims.rows, dims.cols));
}

// Standard normal values, drawn on the host, so every backend gets the same matrix.
DeviceTensor gaussian(Backend& backend, std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
  std::vector<float> values(static_cast<std::size_t>(rows * cols));
  fill_normal_rows(Rng(seed), values, cols);
  return upload_matrix(backend, values, rows, cols);
}

// The first k columns of a square matrix.
DeviceTensor leading_columns(Backend& backend, const DeviceTensor& square, std::int64_t k) {
  if (k == square.shape[0]) return square;
  std::vector<std::int64_t> columns(static_cast<std::size_t>(k));
  std::iota(columns.begin(), columns.end(), std::int64_t{0});
  return backend.gather(square, {}, columns);
}

std::vector<float> leading_values(Backend& backend, const DeviceTensor& values, std::int64_t k) {
  std::vector<float> all = download_values(backend, values);
  all.resize(static_cast<std::size_t>(k));
  return all;
}

DeviceTensor transposed(Backend& backend, const DeviceTensor& a, MatrixDims dims) {
  const std::vector<float> values = download_values(backend, a);
  std::vector<float> swapped(values.size());
  for (std::int64_t row = 0; row < dims.rows; ++row) {
    for (std::int64_t col = 0; col < dims.cols; ++col) {
      swapped[static_cast<std::size_t>(col * dims.rows + row)] =
          values[static_cast<std::size_t>(row * dims.cols + col)];
    }
  }
  return upload_matrix(backend, swapped, dims.cols, dims.rows);
}

Transpose flipped(Transpose transpose) {
  return transpose == Transpose::yes ? Transpose::no : Transpose::yes;
}

// For p = op(x) [y, q]: W_k, the eigenvectors of pᵀp = W Λ Wᵀ with the k largest eigenvalues,
// and p W_k = image.q r, whose columns are orthogonal with norms s (so r ~ diag(s)): p's top k
// singular triplets are (image.q, s, W_k).
struct TopPairs {
  DeviceTensor eigenvectors;  // [q, k]
  OrthonormalBasis image;     // [y, k]
};

TopPairs top_pairs(Backend& backend, const DeviceTensor& x, Transpose transpose, std::int64_t k) {
  const DeviceTensor gram = product(backend, x, flipped(transpose), x, transpose);
  const std::int64_t q = gram.shape[0];
  const SymmetricEigen eigen = backend.symmetric_eigen(gram);
  std::vector<std::int64_t> top(static_cast<std::size_t>(k));
  for (std::int64_t i = 0; i < k; ++i)
    top[static_cast<std::size_t>(i)] = q - 1 - i;  // the eigenvalues ascend
  DeviceTensor leading = backend.gather(eigen.vectors, {}, top);
  OrthonormalBasis image = orthonormal_basis(
      backend, product(backend, x, transpose, leading, Transpose::no), Orthonormality::exact);
  return {std::move(leading), std::move(image)};
}

// a's triplets from those of op(a) = left diag(s) rightᵀ.
TruncatedSvd oriented(Transpose op, DeviceTensor left, DeviceTensor right,
                      const std::vector<double>& s) {
  std::vector<float> values(s.begin(), s.end());
  if (op == Transpose::no) return {std::move(left), std::move(right), std::move(values)};
  return {std::move(right), std::move(left), std::move(values)};
}

}  // namespace

TruncatedSvd randomized_svd(Backend& backend, const DeviceTensor& a,
                            const RandomizedSvdOptions& options) {
  const MatrixDims dims = matrix_dims(a, "randomized_svd");
  const std::int64_t k = checked_rank(options.rank, dims, "randomized_svd");
  if (options.oversample < 0 || options.power_iterations < 0) {
    throw Error(ErrorCategory::internal,
                "randomized_svd needs a non-negative oversample and power iteration count");
  }
  const std::int64_t short_side = std::min(dims.rows, dims.cols);
  const std::int64_t q = std::min(k + options.oversample, short_side);
  // Everything works on op(a), a or aᵀ, whichever is tall.
  const Transpose op = dims.rows >= dims.cols ? Transpose::no : Transpose::yes;
  if (q == short_side) {
    // The range finder would span everything: op(a)ᵀop(a), the smaller Gram matrix, has the
    // top k directly.
    TopPairs pairs = top_pairs(backend, a, op, k);
    return oriented(op, std::move(pairs.image.q), std::move(pairs.eigenvectors),
                    pairs.image.diagonal);
  }

  // The Gaussian test matrix drawn on the host has min(m, n) rows. Power iterations only need the
  // range's span; the last basis is orthonormal to working precision, since the singular vectors
  // are made from it.
  DeviceTensor sample =
      product(backend, a, op, gaussian(backend, short_side, q, options.seed), Transpose::no);
  for (int iteration = 0; iteration < options.power_iterations; ++iteration) {
    const DeviceTensor range = orthonormal_basis(backend, sample, Orthonormality::span).q;
    const DeviceTensor co_range =
        orthonormal_basis(backend, product(backend, a, flipped(op), range, Transpose::no),
                          Orthonormality::span)
            .q;
    sample = product(backend, a, op, co_range, Transpose::no);
  }
  const DeviceTensor range = orthonormal_basis(backend, sample, Orthonormality::exact).q;
  // op(a) ~ range b with b = rangeᵀ op(a), whose top k give op(a)'s left vectors range W_k and
  // its right vectors.
  TopPairs pairs =
      top_pairs(backend, product(backend, a, flipped(op), range, Transpose::no), Transpose::no, k);
  return oriented(op, product(backend, range, pairs.eigenvectors), std::move(pairs.image.q),
                  pairs.image.diagonal);
}

TruncatedSvd exact_svd(Backend& backend, const DeviceTensor& a, std::int64_t rank) {
  const MatrixDims dims = matrix_dims(a, "exact_svd");
  const std::int64_t k = checked_rank(rank, dims, "exact_svd");
  if (dims.rows >= dims.cols) {
    // a = Q R = (Q Ur) S Vrᵀ
    const QrFactors factors = backend.qr(a);
    const SvdFactors core = backend.svd(factors.r);
    return {product(backend, factors.q, leading_columns(backend, core.u, k)),
            leading_columns(backend, core.v, k), leading_values(backend, core.singular_values, k)};
  }
  // aᵀ = Q R, so a = Rᵀ Qᵀ = Vr S (Q Ur)ᵀ
  const QrFactors factors = backend.qr(transposed(backend, a, dims));
  const SvdFactors core = backend.svd(factors.r);
  return {leading_columns(backend, core.v, k),
          product(backend, factors.q, leading_columns(backend, core.u, k)),
          leading_values(backend, core.singular_values, k)};
}

}  // namespace lrq
