#include "lrq/plugin.hpp"
#include "cuda_backend.hpp"

namespace {

void register_cuda_backend(lrq::Registrar& registrar) {
  registrar.add(std::make_unique<lrq::cuda::CudaBackendFactory>());
}

}  // namespace

LRQ_PLUGIN("cuda", "0.1.0", "NVIDIA GPU compute backend (CUDA, own kernels)", register_cuda_backend)
