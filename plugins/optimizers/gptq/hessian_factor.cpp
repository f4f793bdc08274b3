#include "hessian_factor.hpp"

#include <algorithm>
#include <numeric>
#include <span>

namespace lrq::optimizers {
namespace {

constexpr int kMaxRetries = 4;

std::vector<std::int64_t> reversed(std::vector<std::int64_t> indices) {
  std::reverse(indices.begin(), indices.end());
  return indices;
}

double mean(const std::vector<float>& values) {
  double sum = 0.0;
  for (const float value : values)
    sum += value;
  return values.empty() ? 0.0 : sum / static_cast<double>(values.size());
}

}  // namespace

std::vector<std::int64_t> rounding_order(const std::vector<float>& diagonal, bool by_activity) {
  std::vector<std::int64_t> order(diagonal.size());
  std::iota(order.begin(), order.end(), 0);
  if (by_activity) {
    std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
      return diagonal[static_cast<std::size_t>(a)] > diagonal[static_cast<std::size_t>(b)];
    });
  }
  return order;
}

std::optional<HessianFactor> hessian_factor(Backend& backend, const InputStatistics& inputs,
                                            const std::vector<std::int64_t>& order, double damp) {
  const auto cols = static_cast<std::int64_t>(order.size());
  const std::vector<std::int64_t> backwards = reversed(order);
  HessianFactor result;
  result.damping = damp * mean(inputs.diagonal);
  for (; result.retries <= kMaxRetries; ++result.retries, result.damping *= 10.0) {
    DeviceTensor damped = backend.gather(inputs.second_moment, backwards, backwards);
    const std::vector<float> lambda(static_cast<std::size_t>(cols),
                                    static_cast<float>(result.damping));
    backend.add_diagonal(
        damped, backend.upload(TensorView{DType::F32, {cols}, std::as_bytes(std::span(lambda))}));
    const CholeskyFactor factor = backend.cholesky(damped);
    if (!factor.positive_definite) continue;
    const DeviceTensor inverse = backend.lower_triangular_inverse(factor.factor);
    std::vector<std::int64_t> flip(static_cast<std::size_t>(cols));
    std::iota(flip.rbegin(), flip.rend(), 0);
    result.upper = backend.gather(inverse, flip, flip);
    return result;
  }
  return std::nullopt;
}

}  // namespace lrq::optimizers
