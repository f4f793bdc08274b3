#include "dense_solver.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "cuda_check.hpp"
#include "kernels.hpp"
#include "lrq/error.hpp"

namespace lrq::cuda {
namespace {

SolverHandle make_handle(cudaStream_t stream) {
  cusolverDnHandle_t handle = nullptr;
  LRQ_CUSOLVER_CHECK(cusolverDnCreate(&handle));
  SolverHandle owned(handle);
  LRQ_CUSOLVER_CHECK(cusolverDnSetStream(handle, stream));
  // The default, stated: the same input gives the same bits on every run.
  LRQ_CUSOLVER_CHECK(cusolverDnSetDeterministicMode(handle, CUSOLVER_DETERMINISTIC_RESULTS));
  return owned;
}

BlasHandle make_blas_handle(cudaStream_t stream) {
  cublasHandle_t handle = nullptr;
  LRQ_CUBLAS_CHECK(cublasCreate(&handle));
  BlasHandle owned(handle);
  LRQ_CUBLAS_CHECK(cublasSetStream(handle, stream));
  // The defaults, stated: no atomics (the same bits on every run) and FP32 arithmetic (no TF32).
  LRQ_CUBLAS_CHECK(cublasSetAtomicsMode(handle, CUBLAS_ATOMICS_NOT_ALLOWED));
  LRQ_CUBLAS_CHECK(cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH));
  return owned;
}

// cuSOLVER's and cuBLAS's classic interfaces count in int.
int solver_extent(std::int64_t extent, const char* operation) {
  if (extent > std::numeric_limits<int>::max()) {
    throw Error(ErrorCategory::unsupported, std::string("cuda backend: ") + operation +
                                                " of a matrix with a side of " +
                                                std::to_string(extent) + " elements");
  }
  return static_cast<int>(extent);
}

float* floats(DeviceTensor& tensor) {
  return static_cast<float*>(tensor.data);
}

// The info word of the cuSOLVER call queued last on `stream`, once everything queued has run.
int solver_info(const DeviceTensor& info, cudaStream_t stream) {
  int status = 0;
  LRQ_CUDA_CHECK(
      cudaMemcpyAsync(&status, info.data, sizeof status, cudaMemcpyDeviceToHost, stream));
  LRQ_CUDA_CHECK(cudaStreamSynchronize(stream));
  return status;
}

// A non-zero info word of a routine whose positive info counts what did not converge.
void check_converged(int status, const char* routine, const Shape& shape,
                     const char* positive_meaning) {
  if (status == 0) return;
  throw Error(ErrorCategory::internal,
              std::string("cuda backend: ") + routine + " of a " + shape_to_string(shape) +
                  " matrix returned info " + std::to_string(status) + " (" +
                  (status > 0 ? positive_meaning : "bad argument") + ")");
}

}  // namespace

DenseSolver::DenseSolver(DeviceContext& context)
    : context_(context),
      handle_(make_handle(context.compute())),
      blas_(make_blas_handle(context.compute())) {}

DeviceTensor DenseSolver::allocate(DType dtype, const Shape& shape) {
  return context_.allocate(dtype, shape, context_.compute());
}

QrFactors DenseSolver::qr(const DeviceTensor& a) {
  const std::int64_t rows = a.shape[0];
  const std::int64_t cols = a.shape[1];
  QrFactors factors{allocate(DType::F32, a.shape), allocate(DType::F32, {cols, cols})};
  if (cols == 0) return factors;
  const int m = solver_extent(rows, "qr");
  const int n = solver_extent(cols, "qr");
  const cudaStream_t stream = context_.compute();

  DeviceTensor column_major = allocate(DType::F32, {cols, rows});  // [m, n] column-major, ld m
  transpose(static_cast<const float*>(a.data), rows, cols, floats(column_major), stream);
  DeviceTensor tau = allocate(DType::F32, {cols});
  int geqrf_size = 0;
  int orgqr_size = 0;
  LRQ_CUSOLVER_CHECK(
      cusolverDnSgeqrf_bufferSize(handle_.get(), m, n, floats(column_major), m, &geqrf_size));
  LRQ_CUSOLVER_CHECK(cusolverDnSorgqr_bufferSize(handle_.get(), m, n, n, floats(column_major), m,
                                                 floats(tau), &orgqr_size));
  const int work_size = std::max({geqrf_size, orgqr_size, 1});
  DeviceTensor work = allocate(DType::F32, {work_size});
  // info only flags an invalid argument, which the checks before rule out (and the status
  // reports); not reading it keeps qr asynchronous.
  DeviceTensor info = allocate(DType::I32, {1});
  auto* info_data = static_cast<int*>(info.data);

  LRQ_CUSOLVER_CHECK(cusolverDnSgeqrf(handle_.get(), m, n, floats(column_major), m, floats(tau),
                                      floats(work), work_size, info_data));
  upper_triangle(floats(column_major), rows, cols, floats(factors.r), stream);
  LRQ_CUSOLVER_CHECK(cusolverDnSorgqr(handle_.get(), m, n, n, floats(column_major), m, floats(tau),
                                      floats(work), work_size, info_data));
  transpose(floats(column_major), cols, rows, floats(factors.q), stream);
  return factors;
}

SvdFactors DenseSolver::svd(const DeviceTensor& a) {
  const std::int64_t size = a.shape[0];
  SvdFactors factors{allocate(DType::F32, a.shape), allocate(DType::F32, {size}),
                     allocate(DType::F32, a.shape)};
  if (size == 0) return factors;
  const int n = solver_extent(size, "svd");
  const cudaStream_t stream = context_.compute();

  // Read as column-major, the row-major a is aᵀ = V S Uᵀ: gesvd of it returns a's v as its left
  // factor (column-major, transposed into row-major below) and a's uᵀ as its right factor, whose
  // column-major storage is u row-major.
  DeviceTensor input = allocate(DType::F32, a.shape);  // gesvd overwrites its input
  LRQ_CUDA_CHECK(cudaMemcpyAsync(input.data, a.data, a.bytes(), cudaMemcpyDeviceToDevice, stream));
  DeviceTensor left = allocate(DType::F32, a.shape);
  int work_size = 0;
  LRQ_CUSOLVER_CHECK(cusolverDnSgesvd_bufferSize(handle_.get(), n, n, &work_size));
  DeviceTensor work = allocate(DType::F32, {std::max(work_size, 1)});
  DeviceTensor unconverged = allocate(DType::F32, {size});
  DeviceTensor info = allocate(DType::I32, {1});

  LRQ_CUSOLVER_CHECK(cusolverDnSgesvd(handle_.get(), 'A', 'A', n, n, floats(input), n,
                                      floats(factors.singular_values), floats(left), n,
                                      floats(factors.u), n, floats(work), work_size,
                                      floats(unconverged), static_cast<int*>(info.data)));
  transpose(floats(left), size, size, floats(factors.v), stream);
  sign_singular_pairs(floats(factors.u), floats(factors.v), size, stream);

  check_converged(solver_info(info, stream), "cusolverDnSgesvd", a.shape,
                  "superdiagonals that did not converge");
  return factors;
}

// Read as column-major, the row-major a is aᵀ = a and its lower triangle the column-major upper
// one. syevd leaves eigenvector i in column i of its column-major output, which is row i read
// row-major: transposed into columns.
SymmetricEigen DenseSolver::symmetric_eigen(const DeviceTensor& a) {
  const std::int64_t size = a.shape[0];
  SymmetricEigen eigen{allocate(DType::F32, {size}), allocate(DType::F32, a.shape)};
  if (size == 0) return eigen;
  const int n = solver_extent(size, "symmetric_eigen");
  const cudaStream_t stream = context_.compute();
  DeviceTensor column_major = allocate(DType::F32, a.shape);  // syevd overwrites its input
  LRQ_CUDA_CHECK(
      cudaMemcpyAsync(column_major.data, a.data, a.bytes(), cudaMemcpyDeviceToDevice, stream));
  int work_size = 0;
  LRQ_CUSOLVER_CHECK(cusolverDnSsyevd_bufferSize(handle_.get(), CUSOLVER_EIG_MODE_VECTOR,
                                                 CUBLAS_FILL_MODE_UPPER, n, floats(column_major), n,
                                                 floats(eigen.values), &work_size));
  DeviceTensor work = allocate(DType::F32, {std::max(work_size, 1)});
  DeviceTensor info = allocate(DType::I32, {1});
  LRQ_CUSOLVER_CHECK(cusolverDnSsyevd(
      handle_.get(), CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_UPPER, n, floats(column_major), n,
      floats(eigen.values), floats(work), work_size, static_cast<int*>(info.data)));
  transpose(floats(column_major), size, size, floats(eigen.vectors), stream);
  check_converged(solver_info(info, stream), "cusolverDnSsyevd", a.shape,
                  "off-diagonal elements that did not converge");
  return eigen;
}

// Read as column-major, the row-major a is aᵀ = a (symmetric) and its lower triangle is the
// column-major upper one: potrf of that upper triangle gives r with a = rᵀr column-major, whose
// row-major reading is l = rᵀ. The other triangle still holds a's entries and is zeroed.
CholeskyFactor DenseSolver::cholesky(const DeviceTensor& a) {
  const std::int64_t size = a.shape[0];
  CholeskyFactor result{allocate(DType::F32, a.shape), true, {}};
  if (size == 0) return result;
  const int n = solver_extent(size, "cholesky");
  const cudaStream_t stream = context_.compute();
  LRQ_CUDA_CHECK(
      cudaMemcpyAsync(result.factor.data, a.data, a.bytes(), cudaMemcpyDeviceToDevice, stream));
  int work_size = 0;
  LRQ_CUSOLVER_CHECK(cusolverDnSpotrf_bufferSize(handle_.get(), CUBLAS_FILL_MODE_UPPER, n,
                                                 floats(result.factor), n, &work_size));
  DeviceTensor work = allocate(DType::F32, {std::max(work_size, 1)});
  DeviceTensor info = allocate(DType::I32, {1});
  LRQ_CUSOLVER_CHECK(cusolverDnSpotrf(handle_.get(), CUBLAS_FILL_MODE_UPPER, n,
                                      floats(result.factor), n, floats(work), work_size,
                                      static_cast<int*>(info.data)));
  zero_upper_triangle(floats(result.factor), size, stream);
  // The pivots, a float every n + 1.
  result.diagonal.resize(static_cast<std::size_t>(size));
  LRQ_CUDA_CHECK(cudaMemcpy2DAsync(result.diagonal.data(), sizeof(float), result.factor.data,
                                   (static_cast<std::size_t>(size) + 1) * sizeof(float),
                                   sizeof(float), static_cast<std::size_t>(size),
                                   cudaMemcpyDeviceToHost, stream));
  const int status = solver_info(info, stream);
  if (status < 0) {
    throw Error(ErrorCategory::internal, "cuda backend: cusolverDnSpotrf returned info " +
                                             std::to_string(status) + " (bad argument)");
  }
  result.positive_definite = status == 0;  // > 0: the leading minor of that order is not
  return result;
}

// The column-major reading of the row-major lower l is the upper lᵀ, whose inverse (l⁻¹)ᵀ reads
// back row-major as l⁻¹.
DeviceTensor DenseSolver::lower_triangular_inverse(const DeviceTensor& lower) {
  const std::int64_t n = lower.shape[0];
  DeviceTensor inverse = allocate(DType::F32, lower.shape);
  if (n == 0) return inverse;
  const cudaStream_t stream = context_.compute();
  LRQ_CUDA_CHECK(
      cudaMemcpyAsync(inverse.data, lower.data, lower.bytes(), cudaMemcpyDeviceToDevice, stream));
  std::size_t device_bytes = 0;
  std::size_t host_bytes = 0;
  LRQ_CUSOLVER_CHECK(cusolverDnXtrtri_bufferSize(handle_.get(), CUBLAS_FILL_MODE_UPPER,
                                                 CUBLAS_DIAG_NON_UNIT, n, CUDA_R_32F, inverse.data,
                                                 n, &device_bytes, &host_bytes));
  DeviceTensor work =
      allocate(DType::U8, {static_cast<std::int64_t>(std::max<std::size_t>(device_bytes, 1))});
  std::vector<std::byte> host_work(std::max<std::size_t>(host_bytes, 1));
  DeviceTensor info = allocate(DType::I32, {1});
  LRQ_CUSOLVER_CHECK(cusolverDnXtrtri(handle_.get(), CUBLAS_FILL_MODE_UPPER, CUBLAS_DIAG_NON_UNIT,
                                      n, CUDA_R_32F, inverse.data, n, work.data, device_bytes,
                                      host_work.data(), host_bytes, static_cast<int*>(info.data)));
  zero_upper_triangle(floats(inverse), n, stream);
  // The host workspace must outlive the call's use of it.
  if (host_bytes > 0) LRQ_CUDA_CHECK(cudaStreamSynchronize(stream));
  return inverse;
}

// Read column-major, the row-major y [m, n] is yᵀ [n, m] and the row-major lower l the upper lᵀ:
// x lᵀ = y is l xᵀ = yᵀ, that is (lᵀ)ᵀ xᵀ = yᵀ, a left-side solve with the upper triangle
// transposed, whose column-major result xᵀ reads back row-major as x.
DeviceTensor DenseSolver::solve_lower_transposed(const DeviceTensor& y, const DeviceTensor& lower) {
  DeviceTensor x = allocate(DType::F32, y.shape);
  if (x.elements() == 0) return x;
  const int m = solver_extent(y.shape[0], "solve_lower_transposed");
  const int n = solver_extent(y.shape[1], "solve_lower_transposed");
  LRQ_CUDA_CHECK(
      cudaMemcpyAsync(x.data, y.data, y.bytes(), cudaMemcpyDeviceToDevice, context_.compute()));
  const float one = 1.0f;
  LRQ_CUBLAS_CHECK(cublasStrsm(blas_.get(), CUBLAS_SIDE_LEFT, CUBLAS_FILL_MODE_UPPER, CUBLAS_OP_T,
                               CUBLAS_DIAG_NON_UNIT, n, m, &one,
                               static_cast<const float*>(lower.data), n, floats(x), n));
  return x;
}

}  // namespace lrq::cuda
