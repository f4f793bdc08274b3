// Element-wise updates and reductions of float arrays for the cpu backend, parallel with OpenMP.
// Sums are taken over fixed-size chunks, each on one thread, then over the chunks in order, so
// every result is the same whatever the thread count.
#pragma once

#include <cstddef>

#include "lrq/backend.hpp"

namespace lrq::cpu {

void fill_zeros(float* x, std::size_t count, int threads);

// y = alpha x + beta y; y is not read when beta is 0.
void axpby_f32(float alpha, const float* x, float beta, float* y, std::size_t count, int threads);

// Sum of a * b in double.
double dot_f32(const float* a, const float* b, std::size_t count, int threads);

// Sum of x^2 in double.
double sum_of_squares_f32(const float* x, std::size_t count, int threads);

// The Adam-family update of MomentStep, in float.
void moment_step_f32(const MomentStep& step, const float* gradient, float* parameter,
                     float* first_moment, float* second_moment, std::size_t count, int threads);

}  // namespace lrq::cpu
