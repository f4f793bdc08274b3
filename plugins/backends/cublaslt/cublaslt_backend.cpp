#include "cublaslt_backend.hpp"

#include <cstddef>

#include "gemm_problem.hpp"

namespace lrq::cublaslt {
namespace {

const std::string kName = "cublaslt";
// cuBLASLt's own guidance for Hopper; larger buffers rarely change the algorithm chosen.
constexpr std::int64_t kWorkspaceBytes = std::int64_t{32} << 20;

}  // namespace

CublasLtBackend::CublasLtBackend(const cuda::CudaBackendOptions& options)
    : CudaBackendBase(kName, options), device_(options.device) {
  // The handle takes the current device's properties for its heuristics.
  const cuda::ScopedDevice current(device_, kName);
  context_ = make_context();
  workspace_ = allocate(DType::U8, {kWorkspaceBytes});
}

CublasLtBackend::~CublasLtBackend() {
  // Products still queued use the handle and the workspace; let them finish before both go.
  // Nothing can be reported from here: a failure shows up at the base class's next check anyway.
  static_cast<void>(cudaStreamSynchronize(compute_stream()));
}

void CublasLtBackend::gemm(float alpha, const DeviceTensor& a, Transpose transpose_a,
                           const DeviceTensor& b, Transpose transpose_b, float beta,
                           DeviceTensor& c) {
  const cuda::GemmProblem problem =
      cuda::make_gemm_problem(kName, alpha, a, transpose_a, b, transpose_b, beta, c);
  if (problem.m == 0 || problem.n == 0) return;
  const cuda::ScopedDevice current(device_, kName);
  wait_for_upload(a);
  wait_for_upload(b);
  wait_for_upload(c);
  if (problem.k == 0) {
    cuda::scale_output(problem, compute_stream(), kName);
    return;
  }
  const MatmulPlan& plan = plan_for(plan_key(problem, allow_tf32()));
  // With beta 0, cuBLASLt does not read C, so c's old contents (NaN included) do not matter.
  check_cublas(cublasLtMatmul(context_.get(), plan.desc.get(), &problem.alpha, problem.b,
                              plan.a.get(), problem.a, plan.b.get(), &problem.beta, problem.c,
                              plan.c.get(), problem.c, plan.c.get(), &plan.algo, workspace_.data,
                              workspace_.bytes(), compute_stream()),
               "cublasLtMatmul");
}

const MatmulPlan& CublasLtBackend::plan_for(const PlanKey& key) {
  const std::lock_guard lock(plans_mutex_);
  auto found = plans_.find(key);
  if (found == plans_.end()) {
    found = plans_.emplace(key, make_plan(context_.get(), key, workspace_.bytes())).first;
  }
  return found->second;
}

std::string CublasLtBackendFactory::description() const {
  return "NVIDIA GPU through CUDA, matrix products through cuBLASLt (FP32, or TF32 tensor cores "
         "with tf32 = true)";
}

std::unique_ptr<Backend> CublasLtBackendFactory::create(const Options& options) const {
  return std::make_unique<CublasLtBackend>(cuda::read_cuda_backend_options(options));
}

}  // namespace lrq::cublaslt
