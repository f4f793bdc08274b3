#include "cuda_check.hpp"

#include <string>

#include "lrq/error.hpp"

namespace lrq::cuda {
namespace {

ErrorCategory category_of(cudaError_t status) {
  switch (status) {
    case cudaErrorMemoryAllocation:
    case cudaErrorNoDevice:
    case cudaErrorInsufficientDriver:
    case cudaErrorNoKernelImageForDevice:
      return ErrorCategory::unsupported;
    default:
      return ErrorCategory::internal;
  }
}

const char* cusolver_status_name(cusolverStatus_t status) {
  switch (status) {
    case CUSOLVER_STATUS_NOT_INITIALIZED:
      return "CUSOLVER_STATUS_NOT_INITIALIZED";
    case CUSOLVER_STATUS_ALLOC_FAILED:
      return "CUSOLVER_STATUS_ALLOC_FAILED";
    case CUSOLVER_STATUS_INVALID_VALUE:
      return "CUSOLVER_STATUS_INVALID_VALUE";
    case CUSOLVER_STATUS_ARCH_MISMATCH:
      return "CUSOLVER_STATUS_ARCH_MISMATCH";
    case CUSOLVER_STATUS_EXECUTION_FAILED:
      return "CUSOLVER_STATUS_EXECUTION_FAILED";
    case CUSOLVER_STATUS_INTERNAL_ERROR:
      return "CUSOLVER_STATUS_INTERNAL_ERROR";
    case CUSOLVER_STATUS_NOT_SUPPORTED:
      return "CUSOLVER_STATUS_NOT_SUPPORTED";
    default:
      return "cuSOLVER error";
  }
}

}  // namespace

void check_cuda(cudaError_t status, const char* call) {
  if (status == cudaSuccess) return;
  // The failed call also left its status as the thread's last error; clear it, or the next
  // check_launch would report this failure again.
  cudaGetLastError();
  throw Error(category_of(status), std::string("CUDA: ") + call +
                                       " failed: " + cudaGetErrorName(status) + " (" +
                                       cudaGetErrorString(status) + ")");
}

void check_cusolver(cusolverStatus_t status, const char* call) {
  if (status == CUSOLVER_STATUS_SUCCESS) return;
  const ErrorCategory category =
      status == CUSOLVER_STATUS_ALLOC_FAILED ? ErrorCategory::unsupported : ErrorCategory::internal;
  throw Error(category, std::string("cuSOLVER: ") + call +
                            " failed: " + cusolver_status_name(status) + " (" +
                            std::to_string(static_cast<int>(status)) + ")");
}

void check_cublas(cublasStatus_t status, const char* call) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  const bool unsupported = status == CUBLAS_STATUS_ALLOC_FAILED ||
                           status == CUBLAS_STATUS_ARCH_MISMATCH ||
                           status == CUBLAS_STATUS_NOT_SUPPORTED;
  throw Error(unsupported ? ErrorCategory::unsupported : ErrorCategory::internal,
              std::string("cuBLAS: ") + call + " failed: " + cublasGetStatusName(status) + " (" +
                  cublasGetStatusString(status) + ")");
}

void check_launch(const char* kernel) {
  const cudaError_t status = cudaGetLastError();
  if (status == cudaSuccess) return;
  throw Error(category_of(status), std::string("CUDA: launching ") + kernel +
                                       " failed: " + cudaGetErrorName(status) + " (" +
                                       cudaGetErrorString(status) + ")");
}

}  // namespace lrq::cuda
