// The cublaslt backend: CudaBackendBase for everything but gemm, which goes through cuBLASLt with
// one cached plan (descriptors and algorithm) per kind of product.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "cublaslt_handles.hpp"
#include "cublaslt_plan.hpp"
#include "cuda_backend_base.hpp"

namespace lrq::cublaslt {

class CublasLtBackend final : public cuda::CudaBackendBase {
 public:
  explicit CublasLtBackend(const cuda::CudaBackendOptions& options);
  ~CublasLtBackend() override;
  CublasLtBackend(const CublasLtBackend&) = delete;
  CublasLtBackend& operator=(const CublasLtBackend&) = delete;

  void gemm(float alpha, const DeviceTensor& a, Transpose transpose_a, const DeviceTensor& b,
            Transpose transpose_b, float beta, DeviceTensor& c) override;

 private:
  const MatmulPlan& plan_for(const PlanKey& key);

  int device_;
  Context context_;
  DeviceTensor workspace_;
  std::mutex plans_mutex_;
  std::map<PlanKey, MatmulPlan> plans_;
};

class CublasLtBackendFactory final : public BackendFactory {
 public:
  std::string name() const override { return "cublaslt"; }
  std::string description() const override;
  OptionsSchema schema() const override { return cuda::cuda_backend_schema(); }
  std::unique_ptr<Backend> create(const Options& options) const override;
  Availability probe() const override { return cuda::probe_cuda(); }
};

}  // namespace lrq::cublaslt
