// c = beta c for a product with k = 0; element-wise, so trivially deterministic.
#include "gemm_problem.hpp"

namespace lrq::cuda {
namespace {

__global__ void scale_kernel(float* __restrict__ values, std::int64_t count, float beta) {
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
       i += stride) {
    values[i] *= beta;
  }
}

}  // namespace

void scale_output(const GemmProblem& problem, cudaStream_t stream, const std::string& backend) {
  const std::int64_t count = problem.m * problem.n;
  if (count == 0 || problem.beta == 1.0f) return;
  if (problem.beta == 0.0f) {
    throw_on_error(
        cudaMemsetAsync(problem.c, 0, static_cast<std::size_t>(count) * sizeof(float), stream),
        backend, "clearing gemm's c");
    return;
  }
  constexpr int kThreads = 256;
  constexpr std::int64_t kMaxBlocks = 4096;
  const std::int64_t wanted = (count + kThreads - 1) / kThreads;
  const auto blocks = static_cast<unsigned>(wanted < kMaxBlocks ? wanted : kMaxBlocks);
  scale_kernel<<<blocks, kThreads, 0, stream>>>(problem.c, count, problem.beta);
  throw_on_error(cudaGetLastError(), backend, "launching the gemm scale kernel");
}

}  // namespace lrq::cuda
