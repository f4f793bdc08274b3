#include "cpu_elementwise.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace lrq::cpu {
namespace {

constexpr std::int64_t kChunk = std::int64_t{1} << 16;

std::int64_t chunks_of(std::size_t count) {
  return (static_cast<std::int64_t>(count) + kChunk - 1) / kChunk;
}

// Calls body(first, end) for each chunk of [0, count), the chunks spread over the threads.
template <class Body>
void for_each_chunk(std::size_t count, int threads, Body body) {
  const auto total = static_cast<std::int64_t>(count);
  const std::int64_t chunks = chunks_of(count);
#pragma omp parallel for num_threads(threads) schedule(static) if (chunks > 1)
  for (std::int64_t chunk = 0; chunk < chunks; ++chunk) {
    body(chunk * kChunk, std::min(total, (chunk + 1) * kChunk));
  }
}

}  // namespace

void fill_zeros(float* x, std::size_t count, int threads) {
  for_each_chunk(count, threads, [&](std::int64_t first, std::int64_t end) {
    std::fill(x + first, x + end, 0.0f);
  });
}

void axpby_f32(float alpha, const float* x, float beta, float* y, std::size_t count, int threads) {
  if (beta == 0.0f) {
    for_each_chunk(count, threads, [&](std::int64_t first, std::int64_t end) {
      for (std::int64_t i = first; i < end; ++i)
        y[i] = alpha * x[i];
    });
    return;
  }
  for_each_chunk(count, threads, [&](std::int64_t first, std::int64_t end) {
    for (std::int64_t i = first; i < end; ++i)
      y[i] = alpha * x[i] + beta * y[i];
  });
}

double dot_f32(const float* a, const float* b, std::size_t count, int threads) {
  std::vector<double> sums(static_cast<std::size_t>(chunks_of(count)));
  for_each_chunk(count, threads, [&](std::int64_t first, std::int64_t end) {
    double sum = 0.0;
    for (std::int64_t i = first; i < end; ++i)
      sum += static_cast<double>(a[i]) * b[i];
    sums[static_cast<std::size_t>(first / kChunk)] = sum;
  });
  double total = 0.0;
  for (double sum : sums)
    total += sum;
  return total;
}

double sum_of_squares_f32(const float* x, std::size_t count, int threads) {
  return dot_f32(x, x, count, threads);
}

void moment_step_f32(const MomentStep& step, const float* gradient, float* parameter,
                     float* first_moment, float* second_moment, std::size_t count, int threads) {
  for_each_chunk(count, threads, [&](std::int64_t first, std::int64_t end) {
    for (std::int64_t i = first; i < end; ++i) {
      const float g = gradient[i];
      const float m = step.beta1 * first_moment[i] + (1.0f - step.beta1) * g;
      const float v = step.beta2 * second_moment[i] + (1.0f - step.beta2) * (g * g);
      first_moment[i] = m;
      second_moment[i] = v;
      parameter[i] = parameter[i] * step.decay -
                     step.step * m / (std::sqrt(v) * step.sqrt_v_factor + step.epsilon);
    }
  });
}

}  // namespace lrq::cpu
