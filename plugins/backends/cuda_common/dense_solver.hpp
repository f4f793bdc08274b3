// QR, SVD, symmetric eigendecomposition, Cholesky and triangular inversion through cuSOLVER's dense
// LAPACK-style routines, and triangular solves through cuBLAS, which work on column-major
// matrices: the row-major tensors are transposed in and out by kernels of our own, or read
// transposed.
#pragma once

#include <cublas_v2.h>
#include <cusolverDn.h>

#include <memory>

#include "device_context.hpp"
#include "lrq/backend.hpp"

namespace lrq::cuda {

struct SolverDeleter {
  void operator()(cusolverDnHandle_t handle) const noexcept { cusolverDnDestroy(handle); }
};
using SolverHandle = std::unique_ptr<cusolverDnContext, SolverDeleter>;

struct BlasDeleter {
  void operator()(cublasHandle_t handle) const noexcept { cublasDestroy(handle); }
};
using BlasHandle = std::unique_ptr<cublasContext, BlasDeleter>;

// Runs on the context's compute stream; the inputs must be valid (checked) F32 matrices whose
// uploads the compute stream already waits for.
class DenseSolver {
 public:
  explicit DenseSolver(DeviceContext& context);

  // Householder QR (geqrf, then orgqr for the thin q); queued, not waited for.
  QrFactors qr(const DeviceTensor& a);
  // gesvd; waits for the result, to report a failure to converge. (Measured on an H100:
  // Xgesvdp is 4-5 times faster but wrong for rank-deficient input, and gesvdj at its default
  // tolerance leaves u orthogonal to only about 1e-3.)
  SvdFactors svd(const DeviceTensor& a);
  // syevd; waits for the result, to report a failure to converge.
  SymmetricEigen symmetric_eigen(const DeviceTensor& a);
  // potrf; waits for the result, to report whether a was positive definite.
  CholeskyFactor cholesky(const DeviceTensor& a);
  // trtri of the lower triangle; queued, not waited for.
  DeviceTensor lower_triangular_inverse(const DeviceTensor& lower);
  // trsm: x [m, n] with x lowerᵀ = y; queued, not waited for.
  DeviceTensor solve_lower_transposed(const DeviceTensor& y, const DeviceTensor& lower);

 private:
  DeviceTensor allocate(DType dtype, const Shape& shape);

  DeviceContext& context_;
  SolverHandle handle_;
  BlasHandle blas_;
};

}  // namespace lrq::cuda
