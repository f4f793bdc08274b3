#include "lrq/plugin.hpp"
#include "cublaslt_backend.hpp"

namespace {

void register_cublaslt_backend(lrq::Registrar& registrar) {
  registrar.add(std::make_unique<lrq::cublaslt::CublasLtBackendFactory>());
}

}  // namespace

LRQ_PLUGIN("cublaslt", "0.1.0", "NVIDIA GPU compute backend (CUDA, cuBLASLt matrix products)",
           register_cublaslt_backend)
