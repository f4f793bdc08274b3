#include "dense_state.hpp"

#include <algorithm>
#include <cmath>

namespace lrq::optimizers {

DenseState::DenseState(Backend& backend, Projector& projector,
                       const LayerQuantization& quantization, const DeviceTensor& start_error,
                       UpdateRule& rule, const Shape& shape, SettledRounding* settlement)
    : backend_(backend),
      projector_(projector),
      quantization_(quantization),
      start_error_(start_error),
      rule_(rule),
      settlement_(settlement),
      error_(backend.zeros(start_error.shape)),
      delta_(backend.zeros(shape)),
      best_delta_(backend.zeros(shape)),
      direction_(backend.zeros(shape)) {
  backend_.axpby(1.0f, start_error_, 0.0f, error_);
}

// p is recomputed from delta rather than updated by the change of delta: the same one GEMM, no
// drift over thousands of iterations, and adamw/radam never materialize the change.
double DenseState::loss() {
  if (!error_current_) {
    const DeviceTensor offset_error =
        backend_.dequantize(delta_, quantization_.scale, quantization_.layout);
    backend_.axpby(1.0f, start_error_, 0.0f, error_);
    projector_.project(1.0f, offset_error, 1.0f, error_);
    error_current_ = true;
  }
  loss_ = std::sqrt(backend_.sum_of_squares(error_));
  return loss_;
}

void DenseState::remember_best() {
  backend_.axpby(1.0f, delta_, 0.0f, best_delta_);
  best_loss_ = loss_;
}

bool DenseState::settled() {
  return settlement_ != nullptr && settlement_->holds(best_delta_, best_loss_);
}

void DenseState::step(double lr) {
  projector_.expand(static_cast<float>(1.0 / std::max(loss_, 1e-20)), error_, direction_);
  rule_.apply(direction_, lr, delta_);
  error_current_ = false;
}

}  // namespace lrq::optimizers
