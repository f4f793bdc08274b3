#include "gemm_problem.hpp"

#include <cstddef>

#include "lrq/error.hpp"

namespace lrq::cuda {
namespace {

struct Stored {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
};

Stored matrix(const std::string& backend, const DeviceTensor& tensor, const char* role) {
  if (tensor.shape.size() != 2 || tensor.dtype != DType::F32) {
    throw Error(ErrorCategory::internal, backend + " backend: gemm needs a 2-D F32 " + role +
                                             ", got " +
                                             std::string(safetensors_name(tensor.dtype)) + " " +
                                             shape_to_string(tensor.shape));
  }
  if (tensor.elements() > 0 && tensor.data == nullptr) {
    throw Error(ErrorCategory::internal, backend + " backend: gemm's " + role + " has no memory");
  }
  return {tensor.shape[0], tensor.shape[1]};
}

bool overlap(const DeviceTensor& x, const DeviceTensor& y) {
  if (x.bytes() == 0 || y.bytes() == 0) return false;
  const auto* x_begin = static_cast<const std::byte*>(x.data);
  const auto* y_begin = static_cast<const std::byte*>(y.data);
  return x_begin < y_begin + y.bytes() && y_begin < x_begin + x.bytes();
}

std::string describe(std::int64_t rows, std::int64_t cols) {
  return shape_to_string({rows, cols});
}

}  // namespace

GemmProblem make_gemm_problem(const std::string& backend, float alpha, const DeviceTensor& a,
                              Transpose transpose_a, const DeviceTensor& b, Transpose transpose_b,
                              float beta, DeviceTensor& c) {
  const Stored stored_a = matrix(backend, a, "a");
  const Stored stored_b = matrix(backend, b, "b");
  const Stored stored_c = matrix(backend, c, "c");
  GemmProblem problem;
  problem.transpose_a = transpose_a == Transpose::yes;
  problem.transpose_b = transpose_b == Transpose::yes;
  problem.m = problem.transpose_a ? stored_a.cols : stored_a.rows;
  problem.k = problem.transpose_a ? stored_a.rows : stored_a.cols;
  const std::int64_t k_of_b = problem.transpose_b ? stored_b.cols : stored_b.rows;
  problem.n = problem.transpose_b ? stored_b.rows : stored_b.cols;
  if (k_of_b != problem.k || stored_c.rows != problem.m || stored_c.cols != problem.n) {
    throw Error(ErrorCategory::internal, backend + " backend: gemm of op(a) " +
                                             describe(problem.m, problem.k) + " and op(b) " +
                                             describe(k_of_b, problem.n) + " into c " +
                                             describe(stored_c.rows, stored_c.cols));
  }
  if (overlap(c, a) || overlap(c, b)) {
    throw Error(ErrorCategory::internal,
                backend + " backend: gemm's c shares memory with one of its operands");
  }
  problem.a = static_cast<const float*>(a.data);
  problem.lda = stored_a.cols;
  problem.b = static_cast<const float*>(b.data);
  problem.ldb = stored_b.cols;
  problem.c = static_cast<float*>(c.data);
  problem.alpha = alpha;
  problem.beta = beta;
  return problem;
}

void throw_on_error(cudaError_t status, const std::string& backend, const char* what) {
  if (status == cudaSuccess) return;
  static_cast<void>(cudaGetLastError());  // or the next launch check would see this failure again
  const bool unsupported = status == cudaErrorMemoryAllocation || status == cudaErrorNoDevice ||
                           status == cudaErrorInsufficientDriver ||
                           status == cudaErrorNoKernelImageForDevice;
  throw Error(unsupported ? ErrorCategory::unsupported : ErrorCategory::internal,
              backend + " backend: " + what + " failed: " + cudaGetErrorName(status) + " (" +
                  cudaGetErrorString(status) + ")");
}

ScopedDevice::ScopedDevice(int device, const std::string& backend) {
  throw_on_error(cudaGetDevice(&previous_), backend, "cudaGetDevice");
  if (previous_ != device) {
    throw_on_error(cudaSetDevice(device), backend, "cudaSetDevice");
    switched_ = true;
  }
}

ScopedDevice::~ScopedDevice() {
  if (switched_) static_cast<void>(cudaSetDevice(previous_));
}

}  // namespace lrq::cuda
