// Every CUDA runtime, cuSOLVER and cuBLAS(Lt) call goes through these checks: a failure becomes an
// lrq::Error that names the call and the library's own explanation.
#pragma once

#include <cublas_api.h>
#include <cuda_runtime_api.h>
#include <cusolver_common.h>

namespace lrq::cuda {

// Out of memory and a missing device or driver are "unsupported" (the request is valid, this
// machine cannot serve it); everything else is "internal".
void check_cuda(cudaError_t status, const char* call);
void check_cusolver(cusolverStatus_t status, const char* call);
// cuBLAS and cuBLASLt share the status type; running out of memory or a GPU they do not support is
// "unsupported".
void check_cublas(cublasStatus_t status, const char* call);

// Throws if a kernel launch just before failed (bad configuration, no kernel image for the GPU).
void check_launch(const char* kernel);

}  // namespace lrq::cuda

#define LRQ_CUDA_CHECK(call) ::lrq::cuda::check_cuda((call), #call)
#define LRQ_CUSOLVER_CHECK(call) ::lrq::cuda::check_cusolver((call), #call)
#define LRQ_CUBLAS_CHECK(call) ::lrq::cuda::check_cublas((call), #call)
