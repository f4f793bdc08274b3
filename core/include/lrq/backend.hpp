// A compute backend: owns device memory and does the numeric work. Everything else (formats,
// optimizers, the host) reaches device data only through these calls.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "lrq/factory.hpp"
#include "lrq/quantization.hpp"
#include "lrq/tensor.hpp"

namespace lrq {

struct BackendInfo {
  std::string name;
  std::string device;  // e.g. "host, 16 threads", "NVIDIA H100 80GB HBM3"
  // The most device memory this backend had allocated at once so far; 0 when its tensors live in
  // host memory.
  std::uint64_t peak_device_bytes = 0;
};

enum class Transpose : bool { no, yes };

// a = q r: q [m, n] with orthonormal columns, r [n, n] upper triangular (m >= n).
struct QrFactors {
  DeviceTensor q;
  DeviceTensor r;
};

// a = u diag(singular_values) vᵀ for a square [n, n] matrix: u and v [n, n] orthogonal,
// singular_values F32 [n], descending.
struct SvdFactors {
  DeviceTensor u;
  DeviceTensor singular_values;
  DeviceTensor v;
};

// a = vectors diag(values) vectorsᵀ for a symmetric [n, n] matrix: values F32 [n], ascending,
// and vectors [n, n] orthogonal, eigenvector i in column i (LAPACK's order and layout).
struct SymmetricEigen {
  DeviceTensor values;
  DeviceTensor vectors;
};

// One step of Adam-family optimizers on every element, with the scalars the optimizer computed:
//   m = beta1 m + (1 - beta1) g
//   v = beta2 v + (1 - beta2) g^2
//   p = p * decay - step * m / (sqrt(v) * sqrt_v_factor + epsilon)
// (AdamW: decay 1 - lr wd, step lr / bc1, sqrt_v_factor 1 / sqrt(bc2); RAdam rectified: step
// lr r sqrt(bc2) / bc1, sqrt_v_factor 1; RAdam unrectified: sqrt_v_factor 0, epsilon 1.)
struct MomentStep {
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float decay = 1.0f;
  float step = 0.0f;
  float sqrt_v_factor = 1.0f;
  float epsilon = 1e-8f;
};

// a = factor factorᵀ with factor lower triangular (zeros above the diagonal), for a symmetric
// [n, n] matrix a. positive_definite is false when the factorization broke down (a is not
// positive definite to working precision); factor and diagonal are then meaningless. diagonal
// holds the factor's diagonal (the pivots) on the host, which the caller would otherwise have to
// download with the whole factor.
struct CholeskyFactor {
  DeviceTensor factor;
  bool positive_definite = false;
  std::vector<float> diagonal;
};

// Which columns one call of Backend::round_with_feedback rounds.
struct FeedbackRounding {
  std::int64_t first = 0;  // the step's first column
  // The weight's own column index of each column of w (empty: the identity). When the columns
  // were permuted (GPTQ's activation order) it picks each element's scale cell.
  std::span<const std::int64_t> columns;
};

struct ErrorNorms {
  double reference = 0.0;  // ||reference||_F
  double error = 0.0;      // ||reference - approximation||_F
  double relative() const noexcept { return reference > 0.0 ? error / reference : error; }
};

// A backend may queue work and return before it is done (a GPU); results become visible to the
// host through download(), which waits for everything queued before it. One thread may upload
// (the next layer) while another calls everything else.
class Backend {
 public:
  virtual ~Backend() = default;

  virtual BackendInfo info() const = 0;

  // Waits until every operation queued so far has finished.
  virtual void synchronize() = 0;

  // Host <-> device. The DeviceTensor keeps its own memory; download copies exactly
  // tensor.bytes() bytes. upload has read the host bytes when it returns (they may be reused).
  virtual DeviceTensor upload(const TensorView& host) = 0;
  virtual void download(const DeviceTensor& tensor, std::span<std::byte> host) = 0;

  // A float32 copy of a float (F64/F32/F16/BF16/F8) or I8 tensor, values converted exactly
  // (F64 rounded to nearest even).
  virtual DeviceTensor to_f32(const DeviceTensor& tensor) = 0;

  // Max |x| per scale cell of a 2-D F32 tensor, shaped layout.cells(rows, cols). A cell that
  // holds a NaN or an infinity yields +infinity.
  virtual DeviceTensor absmax(const DeviceTensor& x, const ScaleLayout& layout) = 0;

  // Round-to-nearest onto any grid: clamp(x * multiplier[cell], grid.lowest(), grid.max_abs)
  // rounded to the nearest grid value, ties to the even code, as F32 values that lie exactly on
  // the grid (lrq::grid_arithmetic::clamp_onto for each element; NaN stays NaN).
  virtual DeviceTensor quantize(const DeviceTensor& x, const DeviceTensor& multiplier,
                                const ScaleLayout& layout, const Grid& grid) = 0;

  // Grid values (F32, exactly on the grid) to codes, one per element, of grid.storage_dtype().
  // Throws lrq::Error (internal) when a value is not on the grid.
  virtual DeviceTensor encode(const DeviceTensor& grid_values, const Grid& grid) = 0;

  // Codes, one per element in a 1-byte dtype (bits above grid.code_bits() ignored), to their F32
  // values: NaN or infinity for the grid's special codes.
  virtual DeviceTensor decode(const DeviceTensor& codes, const Grid& grid) = 0;

  // values * scale[cell], F32.
  virtual DeviceTensor dequantize(const DeviceTensor& values, const DeviceTensor& scale,
                                  const ScaleLayout& layout) = 0;

  // ||reference|| and ||reference - values * scale[cell]|| (the dequantized weight is not
  // materialized), accumulated in double; deterministic whatever the thread count.
  virtual ErrorNorms quantization_error(const DeviceTensor& reference, const DeviceTensor& values,
                                        const DeviceTensor& scale, const ScaleLayout& layout) = 0;

  // Dense linear algebra on F32 row-major 2-D tensors. Every result is the same whatever the
  // thread count.

  virtual DeviceTensor zeros(const Shape& shape) = 0;  // F32

  // c = alpha op(a) op(b) + beta c; c already has the result's shape. With beta 0, c is only
  // written (its old contents, even NaN, do not matter).
  virtual void gemm(float alpha, const DeviceTensor& a, Transpose transpose_a,
                    const DeviceTensor& b, Transpose transpose_b, float beta, DeviceTensor& c) = 0;

  // Thin QR (Householder) of [m, n], m >= n.
  virtual QrFactors qr(const DeviceTensor& a) = 0;

  // SVD of a small square matrix (the core factor of a truncated SVD, n up to a few thousand).
  virtual SvdFactors svd(const DeviceTensor& a) = 0;

  // The eigendecomposition of a symmetric matrix (the Gram matrix of a truncated SVD's projected
  // weight, n up to a few thousand). Only the lower triangle of a is read.
  virtual SymmetricEigen symmetric_eigen(const DeviceTensor& a) = 0;

  // y = alpha x + beta y, element-wise, same shapes (y is only written when beta is 0).
  virtual void axpby(float alpha, const DeviceTensor& x, float beta, DeviceTensor& y) = 0;

  // Sum of x^2 over all elements, accumulated in double.
  virtual double sum_of_squares(const DeviceTensor& x) = 0;

  // See MomentStep; all four tensors have the same shape.
  virtual void moment_step(const MomentStep& step, const DeviceTensor& gradient,
                           DeviceTensor& parameter, DeviceTensor& first_moment,
                           DeviceTensor& second_moment) = 0;

  // Sum of a ⊙ b over all elements (same shapes, F32), accumulated in double; deterministic.
  virtual double dot(const DeviceTensor& a, const DeviceTensor& b) = 0;

  // b[i, j] = a[rows[i], cols[j]] of a 2-D F32 tensor; an index of -1 gives 0, and an empty
  // index list keeps that axis as it is.
  virtual DeviceTensor gather(const DeviceTensor& a, std::span<const std::int64_t> rows,
                              std::span<const std::int64_t> cols) = 0;

  // a[i, i] += d[i] for a square [n, n] a and d [n] (F32).
  virtual void add_diagonal(DeviceTensor& a, const DeviceTensor& d) = 0;

  // See CholeskyFactor. Only the lower triangle of a is read.
  virtual CholeskyFactor cholesky(const DeviceTensor& a) = 0;

  // The inverse of a lower-triangular [n, n] matrix with a non-zero diagonal (its upper triangle
  // is not read; the result's is zero).
  virtual DeviceTensor lower_triangular_inverse(const DeviceTensor& lower) = 0;

  // x [m, n] with x lowerᵀ = y, that is y lower⁻ᵀ, for y [m, n] and a lower-triangular [n, n]
  // lower with a non-zero diagonal (its upper triangle is not read), by one triangular solve:
  // cheaper and better conditioned than lower_triangular_inverse and a product.
  virtual DeviceTensor solve_lower_transposed(const DeviceTensor& y, const DeviceTensor& lower) = 0;

  // One step of GPTQ's sequential rounding over the n = u.shape[0] columns first .. first + n - 1
  // of w, in order: for each such column c, with j = c - first and cell the scale cell of (row,
  // columns[c]),
  //   values[:, c] = round_even(clamp(w[:, c] * multiplier[cell], -max, max))   (grid values)
  //   e[:, j]      = (w[:, c] - values[:, c] * scale[cell]) / u[j, j]
  //   w[:, c2]    -= e[:, j] * u[j, c2 - first]   for every later column c2 of the step
  // u [n, n] is the step's diagonal block of the upper-triangular Cholesky factor of H⁻¹. Writes
  // those columns of `values` [rows, cols], leaves w's updated, and returns e [rows, n], whose
  // product with the factor's rows spreads the step's error over the columns after it.
  virtual DeviceTensor round_with_feedback(DeviceTensor& w, const DeviceTensor& u,
                                           const LayerQuantization& quantization,
                                           const FeedbackRounding& step, DeviceTensor& values) = 0;
};

struct Availability {
  bool available = false;
  std::string reason;  // why not, e.g. "no CUDA device found"
};

class BackendFactory : public Factory<Backend> {
 public:
  // Whether this machine can run the backend; cheap, no device memory allocated.
  virtual Availability probe() const = 0;
};

}  // namespace lrq
