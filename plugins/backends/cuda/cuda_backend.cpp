#include "cuda_backend.hpp"

#include "gemm_kernels.hpp"
#include "gemm_problem.hpp"
#include "lrq/error.hpp"

namespace lrq::cuda {
namespace {

const std::string kName = "cuda";

int device_attribute(cudaDeviceAttr attribute, int device) {
  int value = 0;
  throw_on_error(cudaDeviceGetAttribute(&value, attribute, device), kName,
                 "cudaDeviceGetAttribute");
  return value;
}

}  // namespace

CudaBackend::CudaBackend(const CudaBackendOptions& options)
    : CudaBackendBase(kName, options), device_(options.device) {
  const ScopedDevice current(device_, kName);
  occupancy_ = query_f32_occupancy(device_);
  tensor_cores_ = device_attribute(cudaDevAttrComputeCapabilityMajor, device_) >= 8;
}

void CudaBackend::gemm(float alpha, const DeviceTensor& a, Transpose transpose_a,
                       const DeviceTensor& b, Transpose transpose_b, float beta, DeviceTensor& c) {
  const GemmProblem problem =
      make_gemm_problem(kName, alpha, a, transpose_a, b, transpose_b, beta, c);
  if (problem.m > kMaxGemmDimension || problem.n > kMaxGemmDimension ||
      problem.k > kMaxGemmDimension) {
    throw Error(ErrorCategory::unsupported,
                "cuda backend: gemm dimensions above " + std::to_string(kMaxGemmDimension));
  }
  if (problem.m == 0 || problem.n == 0) return;
  const ScopedDevice current(device_, kName);
  wait_for_upload(a);
  wait_for_upload(b);
  wait_for_upload(c);
  if (problem.k == 0) {
    scale_output(problem, compute_stream(), kName);
    return;
  }
  const cudaError_t status = allow_tf32() && tensor_cores_
                                 ? launch_gemm_tf32(problem, compute_stream())
                                 : launch_gemm_f32(problem, occupancy_, compute_stream());
  throw_on_error(status, kName, "launching the gemm kernel");
}

std::string CudaBackendFactory::description() const {
  return "NVIDIA GPU through CUDA, matrix products with this project's own kernels (FP32 on CUDA "
         "cores, or TF32 tensor cores with tf32 = true)";
}

std::unique_ptr<Backend> CudaBackendFactory::create(const Options& options) const {
  return std::make_unique<CudaBackend>(read_cuda_backend_options(options));
}

}  // namespace lrq::cuda
