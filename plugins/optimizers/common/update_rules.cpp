#include "update_rules.hpp"

#include <cmath>

namespace lrq::optimizers {

DescentRule::DescentRule(Backend& backend, DeviceTensor weights, const ScaleLayout& layout)
    : backend_(backend), weights_(std::move(weights)), layout_(layout) {}

void DescentRule::apply(const DeviceTensor& direction, double lr, DeviceTensor& delta) {
  const DeviceTensor weighted = backend_.dequantize(direction, weights_, layout_);
  backend_.axpby(static_cast<float>(-lr), weighted, 1.0f, delta);
}

MomentRule::MomentRule(Backend& backend, Method method, const MomentSettings& settings,
                       const LayerQuantization& quantization, const Shape& shape)
    : backend_(backend),
      method_(method),
      settings_(settings),
      quantization_(quantization),
      first_moment_(backend.zeros(shape)),
      second_moment_(backend.zeros(shape)) {}

void MomentRule::apply(const DeviceTensor& direction, double lr, DeviceTensor& delta) {
  DeviceTensor gradient = backend_.dequantize(direction, quantization_.scale, quantization_.layout);
  // RAdam's weight decay is an L2 term in the gradient; AdamW's is decoupled (in the step).
  if (method_ == Method::radam && settings_.weight_decay > 0.0) {
    backend_.axpby(static_cast<float>(settings_.weight_decay), delta, 1.0f, gradient);
  }
  ++steps_;
  backend_.moment_step(coefficients(lr), gradient, delta, first_moment_, second_moment_);
}

MomentStep MomentRule::coefficients(double lr) const {
  const double beta1 = settings_.beta1;
  const double beta2 = settings_.beta2;
  const auto t = static_cast<double>(steps_);
  const double correction1 = 1.0 - std::pow(beta1, t);
  const double correction2 = 1.0 - std::pow(beta2, t);
  MomentStep step;
  step.beta1 = static_cast<float>(beta1);
  step.beta2 = static_cast<float>(beta2);
  step.epsilon = static_cast<float>(settings_.epsilon);
  if (method_ == Method::adamw) {
    step.decay = static_cast<float>(1.0 - lr * settings_.weight_decay);
    step.step = static_cast<float>(lr / correction1);
    step.sqrt_v_factor = static_cast<float>(1.0 / std::sqrt(correction2));
    return step;
  }
  // RAdam: rectify the adaptive step once the variance estimate is tractable (rho_t > 5), else
  // plain momentum.
  const double rho_infinity = 2.0 / (1.0 - beta2) - 1.0;
  const double rho = rho_infinity - 2.0 * t * std::pow(beta2, t) / correction2;
  if (rho > 5.0) {
    const double rectification = std::sqrt((rho - 4.0) * (rho - 2.0) * rho_infinity /
                                           ((rho_infinity - 4.0) * (rho_infinity - 2.0) * rho));
    step.step = static_cast<float>(lr * rectification * std::sqrt(correction2) / correction1);
    step.sqrt_v_factor = 1.0f;
  } else {
    step.step = static_cast<float>(lr / correction1);
    step.sqrt_v_factor = 0.0f;
    step.epsilon = 1.0f;
  }
  return step;
}

}  // namespace lrq::optimizers
