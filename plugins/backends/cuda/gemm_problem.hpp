// What both gemm implementations (the cuda plugin's kernels, the cublaslt plugin's cuBLASLt calls)
// share: gemm's arguments checked once and reduced to pointers and sizes, the current-device
// guard, CUDA error checks, and the k = 0 product that neither kernel nor cuBLASLt needs to see.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <string>

#include "lrq/backend.hpp"

namespace lrq::cuda {

// c [m, n] = alpha op(a) [m, k] op(b) [k, n] + beta c, all row-major. a is stored [m, k], or
// [k, m] when transposed; lda is its stored column count (likewise b and ldb). c's leading
// dimension is n.
struct GemmProblem {
  std::int64_t m = 0;
  std::int64_t n = 0;
  std::int64_t k = 0;
  const float* a = nullptr;
  std::int64_t lda = 0;
  bool transpose_a = false;
  const float* b = nullptr;
  std::int64_t ldb = 0;
  bool transpose_b = false;
  float* c = nullptr;
  float alpha = 1.0f;
  float beta = 0.0f;
};

// Checks gemm's arguments (2-D F32 tensors whose shapes fit, c sharing no memory with a or b) and
// throws lrq::Error (internal) naming `backend` when they do not.
GemmProblem make_gemm_problem(const std::string& backend, float alpha, const DeviceTensor& a,
                              Transpose transpose_a, const DeviceTensor& b, Transpose transpose_b,
                              float beta, DeviceTensor& c);

// Throws lrq::Error naming `backend` and `what` when `status` is an error: unsupported for out of
// memory or a missing device, driver or kernel image, internal otherwise.
void throw_on_error(cudaError_t status, const std::string& backend, const char* what);

// c = beta c (c only written when beta is 0): the whole product when k is 0.
void scale_output(const GemmProblem& problem, cudaStream_t stream, const std::string& backend);

// Makes `device` the calling thread's current device, and restores the previous one on exit.
class ScopedDevice {
 public:
  ScopedDevice(int device, const std::string& backend);
  ~ScopedDevice();
  ScopedDevice(const ScopedDevice&) = delete;
  ScopedDevice& operator=(const ScopedDevice&) = delete;

 private:
  int previous_ = 0;
  bool switched_ = false;
};

}  // namespace lrq::cuda
