#include "row_state.hpp"

#include <algorithm>
#include <cmath>

namespace lrq::optimizers {
namespace {

// uᵀ diag(d) u.
DeviceTensor row_response(Backend& backend, const DeviceTensor& u,
                          const DeviceTensor& row_factors) {
  const DeviceTensor scaled_u = backend.dequantize(u, row_factors, ScaleLayout::per_row());
  DeviceTensor response = backend.zeros({u.shape.at(1), u.shape.at(1)});
  backend.gemm(1.0f, u, Transpose::yes, scaled_u, Transpose::no, 0.0f, response);
  return response;
}

}  // namespace

RowState::RowState(Backend& backend, const DeviceTensor& u, const DeviceTensor& row_factors,
                   const DeviceTensor& start_error)
    : backend_(backend),
      start_error_(start_error),
      response_(row_response(backend, u, row_factors)),
      error_(backend.zeros(start_error.shape)),
      travel_(backend.zeros(start_error.shape)),
      best_travel_(backend.zeros(start_error.shape)) {
  backend_.axpby(1.0f, start_error_, 0.0f, error_);
}

// As the general loop, p is recomputed from the accumulated step rather than updated by each
// step's change: the same one GEMM, and no drift over thousands of iterations.
double RowState::loss() {
  if (!error_current_) {
    backend_.axpby(1.0f, start_error_, 0.0f, error_);
    backend_.gemm(-1.0f, response_, Transpose::no, travel_, Transpose::no, 1.0f, error_);
    error_current_ = true;
  }
  loss_ = std::sqrt(backend_.sum_of_squares(error_));
  return loss_;
}

void RowState::remember_best() {
  backend_.axpby(1.0f, travel_, 0.0f, best_travel_);
}

void RowState::step(double lr) {
  backend_.axpby(static_cast<float>(lr / std::max(loss_, 1e-20)), error_, 1.0f, travel_);
  error_current_ = false;
}

}  // namespace lrq::optimizers
