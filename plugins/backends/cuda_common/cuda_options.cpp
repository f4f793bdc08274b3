// The options both CUDA plugins declare, and whether this machine can run them.
#include <cuda_runtime_api.h>

#include <string>

#include "cuda_backend_base.hpp"

namespace lrq::cuda {

OptionsSchema cuda_backend_schema() {
  OptionsSchema schema;
  schema.add(OptionSpec::integer(
      "device", 0,
      "CUDA device index, as the CUDA runtime counts them (after CUDA_VISIBLE_DEVICES)", 0, 1023));
  schema.add(OptionSpec::boolean(
      "tf32", false,
      "let matrix products round their inputs to TF32 (10-bit mantissa) on tensor cores: faster, "
      "less accurate"));
  return schema;
}

CudaBackendOptions read_cuda_backend_options(const Options& options) {
  return {static_cast<int>(options.get_int("device")), options.get_bool("tf32")};
}

Availability probe_cuda() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    cudaGetLastError();
    std::string reason = std::string("no usable CUDA device: ") + cudaGetErrorName(status) + " (" +
                         cudaGetErrorString(status) + ")";
    if (status == cudaErrorInsufficientDriver) {
      reason += "; the NVIDIA driver is missing, or older than this build's CUDA " +
                std::to_string(CUDART_VERSION / 1000) + "." +
                std::to_string(CUDART_VERSION % 1000 / 10) + " runtime";
    }
    return {false, reason};
  }
  if (count == 0) return {false, "no CUDA device found"};
  return {true, ""};
}

}  // namespace lrq::cuda
