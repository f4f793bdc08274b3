#include "lrq/svd.hpp"

#include <algorithm>
#include <span>
#include <string>

#include "lrq/error.hpp"
#include "lrq/rng.hpp"

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

std::vector<float> download_values(Backend& backend, const DeviceTensor& tensor) {
  std::vector<float> values(static_cast<std::size_t>(tensor.elements()));
  backend.download(tensor, std::as_writable_bytes(std::span(values)));
  return values;
}

DeviceTensor upload_matrix(Backend& backend, const std::vector<float>& values, std::int64_t rows,
                           std::int64_t cols) {
  return backend.upload(TensorView{DType::F32, {rows, cols}, std::as_bytes(std::span(values))});
}

// op(a) op(b) in a new tensor.
DeviceTensor product(Backend& backend, const DeviceTensor& a, Transpose transpose_a,
                     const DeviceTensor& b, Transpose transpose_b) {
  const std::int64_t rows = transpose_a == Transpose::yes ? a.shape[1] : a.shape[0];
  const std::int64_t cols = transpose_b == Transpose::yes ? b.shape[0] : b.shape[1];
  DeviceTensor c = backend.zeros({rows, cols});
  backend.gemm(1.0f, a, transpose_a, b, transpose_b, 0.0f, c);
  return c;
}

DeviceTensor product(Backend& backend, const DeviceTensor& a, const DeviceTensor& b) {
  return product(backend, a, Transpose::no, b, Transpose::no);
}

// Standard normal values, drawn on the host, so every backend gets the same matrix.
DeviceTensor gaussian(Backend& backend, std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
  std::vector<float> values(static_cast<std::size_t>(rows * cols));
  fill_normal_rows(Rng(seed), values, cols);
  return upload_matrix(backend, values, rows, cols);
}

// The first k columns of a square matrix.
DeviceTensor leading_columns(Backend& backend, const DeviceTensor& square, std::int64_t k) {
  const std::int64_t n = square.shape[0];
  if (k == n) return square;
  const std::vector<float> all = download_values(backend, square);
  std::vector<float> kept(static_cast<std::size_t>(n * k));
  for (std::int64_t row = 0; row < n; ++row) {
    std::copy_n(all.begin() + row * n, k, kept.begin() + row * k);
  }
  return upload_matrix(backend, kept, n, k);
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

}  // namespace

TruncatedSvd randomized_svd(Backend& backend, const DeviceTensor& a,
                            const RandomizedSvdOptions& options) {
  const MatrixDims dims = matrix_dims(a, "randomized_svd");
  const std::int64_t k = checked_rank(options.rank, dims, "randomized_svd");
  if (options.oversample < 0 || options.power_iterations < 0) {
    throw Error(ErrorCategory::internal,
                "randomized_svd needs a non-negative oversample and power iteration count");
  }
  const std::int64_t q = std::min(k + options.oversample, std::min(dims.rows, dims.cols));

  const DeviceTensor test_matrix = gaussian(backend, dims.cols, q, options.seed);
  DeviceTensor range = backend.qr(product(backend, a, test_matrix)).q;  // [m, q]
  for (int iteration = 0; iteration < options.power_iterations; ++iteration) {
    const DeviceTensor co_range =
        backend.qr(product(backend, a, Transpose::yes, range, Transpose::no)).q;  // [n, q]
    range = backend.qr(product(backend, a, co_range)).q;
  }
  // a ~ range B with Bᵀ = aᵀ range = Q2 R and R = Ur S Vrᵀ, so a ~ (range Vr) S (Q2 Ur)ᵀ.
  const QrFactors projected = backend.qr(product(backend, a, Transpose::yes, range, Transpose::no));
  const SvdFactors core = backend.svd(projected.r);
  return {product(backend, range, leading_columns(backend, core.v, k)),
          product(backend, projected.q, leading_columns(backend, core.u, k)),
          leading_values(backend, core.singular_values, k)};
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
