// The general loop's state: full-size rounding offsets delta and the projected error
// p = uᵀ((Q0 + delta) ⊙ scale - W) v. Per iteration two [rows, cols] x k GEMMs: the gradient
// u (p / ||p||) vᵀ, and the projection of the changed offsets.
#pragma once

#include "rounding_loop.hpp"
#include "settled_rounding.hpp"
#include "subspace.hpp"
#include "update_rules.hpp"

namespace lrq::optimizers {

class DenseState final : public LoopState {
 public:
  // `start_error` is p for delta = 0; `settlement`, when given, lets the loop stop once no code
  // can change (original only: its offsets stay in the form SettledRounding relies on).
  DenseState(Backend& backend, Projector& projector, const LayerQuantization& quantization,
             const DeviceTensor& start_error, UpdateRule& rule, const Shape& shape,
             SettledRounding* settlement = nullptr);

  double loss() override;
  void remember_best() override;
  bool settled() override;
  void step(double lr) override;

  const DeviceTensor& best_offsets() const noexcept { return best_delta_; }

 private:
  Backend& backend_;
  Projector& projector_;
  const LayerQuantization& quantization_;
  const DeviceTensor& start_error_;
  UpdateRule& rule_;
  SettledRounding* settlement_;
  DeviceTensor error_;  // p of delta_ once `error_current_`
  DeviceTensor delta_;
  DeviceTensor best_delta_;
  DeviceTensor direction_;
  double loss_ = 0.0;
  double best_loss_ = 0.0;  // the loss of best_delta_
  bool error_current_ = true;
};

}  // namespace lrq::optimizers
