// The cuda backend: CudaBackendBase for everything but gemm, which runs this project's own kernels
// (gemm_f32.cu, or gemm_tf32.cu on tensor cores when the tf32 option allows it).
#pragma once

#include <memory>
#include <string>

#include "cuda_backend_base.hpp"
#include "gemm_kernels.hpp"

namespace lrq::cuda {

class CudaBackend final : public CudaBackendBase {
 public:
  explicit CudaBackend(const CudaBackendOptions& options);

  void gemm(float alpha, const DeviceTensor& a, Transpose transpose_a, const DeviceTensor& b,
            Transpose transpose_b, float beta, DeviceTensor& c) override;

 private:
  int device_;
  F32Occupancy occupancy_;
  bool tensor_cores_ = false;  // mma.sync TF32 needs sm_80 or newer
};

class CudaBackendFactory final : public BackendFactory {
 public:
  std::string name() const override { return "cuda"; }
  std::string description() const override;
  OptionsSchema schema() const override { return cuda_backend_schema(); }
  std::unique_ptr<Backend> create(const Options& options) const override;
  Availability probe() const override { return probe_cuda(); }
};

}  // namespace lrq::cuda
