// How each optimizer turns the loss gradient into a change of the rounding offsets delta
// (Q = Q0 + delta, in the scaled domain).
#pragma once

#include <cstdint>

#include "lrq/backend.hpp"
#include "settings.hpp"

namespace lrq::optimizers {

class UpdateRule {
 public:
  virtual ~UpdateRule() = default;
  // `direction` is G = u (p / ||p||) vᵀ, the unit-norm gradient of the loss with respect to the
  // dequantized error E.
  virtual void apply(const DeviceTensor& direction, double lr, DeviceTensor& delta) = 0;
};

// original: delta -= lr G ⊙ w, with w one factor per scale cell (see descent_weights).
class DescentRule final : public UpdateRule {
 public:
  DescentRule(Backend& backend, DeviceTensor weights, const ScaleLayout& layout);
  void apply(const DeviceTensor& direction, double lr, DeviceTensor& delta) override;

 private:
  Backend& backend_;
  DeviceTensor weights_;
  ScaleLayout layout_;
};

// adamw / radam as torch.optim computes them, on the gradient with respect to delta, G ⊙ scale.
class MomentRule final : public UpdateRule {
 public:
  MomentRule(Backend& backend, Method method, const MomentSettings& settings,
             const LayerQuantization& quantization, const Shape& shape);
  void apply(const DeviceTensor& direction, double lr, DeviceTensor& delta) override;

 private:
  MomentStep coefficients(double lr) const;

  Backend& backend_;
  Method method_;
  MomentSettings settings_;
  const LayerQuantization& quantization_;
  DeviceTensor first_moment_;
  DeviceTensor second_moment_;
  std::int64_t steps_ = 0;
};

}  // namespace lrq::optimizers
