// original's path for one scale per row. A step then changes the dequantized error E by
// -lr diag(d) G, d_r = w_r scale_r, and with G = u p̂ vᵀ (p̂ = p / ||p||) and vᵀv = I the projected
// error follows p' = p - lr A p̂ with A = uᵀ diag(d) u (k x k, formed once). The loop tracks the
// accumulated step D = sum of lr p̂, so p = p0 - A D (one k x k x k GEMM per iteration) and the
// offsets are delta = -(u D vᵀ) ⊙ w, expanded once at the end.
#pragma once

#include "lrq/backend.hpp"
#include "rounding_loop.hpp"

namespace lrq::optimizers {

class RowState final : public LoopState {
 public:
  // `u` [rows, k]; `row_factors` d [rows, 1]; `start_error` p0 [k, k].
  RowState(Backend& backend, const DeviceTensor& u, const DeviceTensor& row_factors,
           const DeviceTensor& start_error);

  double loss() override;
  void remember_best() override;
  void step(double lr) override;

  // D of the best iteration: delta_best = -(u D vᵀ) ⊙ w.
  const DeviceTensor& best_travel() const noexcept { return best_travel_; }

 private:
  Backend& backend_;
  const DeviceTensor& start_error_;
  DeviceTensor response_;  // A
  DeviceTensor error_;     // p of travel_ once `error_current_`
  DeviceTensor travel_;
  DeviceTensor best_travel_;
  double loss_ = 0.0;
  bool error_current_ = true;
};

}  // namespace lrq::optimizers
