// Element-wise updates in float with every operation rounded on its own (no fused multiply-add),
// as the cpu backend computes them.
#include <cstdint>

#include "cuda_check.hpp"
#include "kernel_support.cuh"

namespace lrq::cuda {
namespace {

__global__ void scale_into(float alpha, const float* x, float* y, std::int64_t count) {
  for (std::int64_t i = global_thread(); i < count; i += grid_threads()) {
    y[i] = __fmul_rn(alpha, x[i]);
  }
}

__global__ void axpby_kernel(float alpha, const float* x, float beta, float* y,
                             std::int64_t count) {
  for (std::int64_t i = global_thread(); i < count; i += grid_threads()) {
    y[i] = __fadd_rn(__fmul_rn(alpha, x[i]), __fmul_rn(beta, y[i]));
  }
}

__global__ void moment_step_kernel(MomentStepScalars step, const float* gradient, float* parameter,
                                   float* first_moment, float* second_moment, std::int64_t count) {
  const float keep_first = __fsub_rn(1.0f, step.beta1);
  const float keep_second = __fsub_rn(1.0f, step.beta2);
  for (std::int64_t i = global_thread(); i < count; i += grid_threads()) {
    const float g = gradient[i];
    const float m = __fadd_rn(__fmul_rn(step.beta1, first_moment[i]), __fmul_rn(keep_first, g));
    const float v =
        __fadd_rn(__fmul_rn(step.beta2, second_moment[i]), __fmul_rn(keep_second, __fmul_rn(g, g)));
    first_moment[i] = m;
    second_moment[i] = v;
    const float denominator = __fadd_rn(__fmul_rn(__fsqrt_rn(v), step.sqrt_v_factor), step.epsilon);
    parameter[i] = __fsub_rn(__fmul_rn(parameter[i], step.decay),
                             __fdiv_rn(__fmul_rn(step.step, m), denominator));
  }
}

}  // namespace

void axpby(float alpha, const float* x, float beta, float* y, std::int64_t count,
           cudaStream_t stream) {
  if (count == 0) return;
  const unsigned int blocks = grid_stride_blocks(count);
  if (beta == 0.0f) {
    scale_into<<<blocks, kThreads, 0, stream>>>(alpha, x, y, count);
  } else {
    axpby_kernel<<<blocks, kThreads, 0, stream>>>(alpha, x, beta, y, count);
  }
  check_launch("axpby");
}

void moment_step(const MomentStepScalars& step, const float* gradient, float* parameter,
                 float* first_moment, float* second_moment, std::int64_t count,
                 cudaStream_t stream) {
  if (count == 0) return;
  moment_step_kernel<<<grid_stride_blocks(count), kThreads, 0, stream>>>(
      step, gradient, parameter, first_moment, second_moment, count);
  check_launch("moment_step");
}

}  // namespace lrq::cuda
