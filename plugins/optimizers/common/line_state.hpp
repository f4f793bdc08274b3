// original's fast path. When a step changes the dequantized error E by exactly -lr G, with
// G = u (p / ||p||) vᵀ, then uᵀu = vᵀv = I give p' = p - lr p / ||p||: p stays on the line
// through its start p0, p_t = a_t p0 / ||p0||, and the loop reduces to the scalar recurrence
// a' = a - lr sign(a). The offsets follow the same line: delta_t = -c_t (u p0 vᵀ / ||p0||) ⊙ w,
// c' = c + lr sign(a), so the loop costs no GEMM and the result one.
#pragma once

#include "rounding_loop.hpp"

namespace lrq::optimizers {

class LineState final : public LoopState {
 public:
  explicit LineState(double start_loss) : position_(start_loss) {}

  double loss() override;
  void remember_best() override { best_travel_ = travel_; }
  void step(double lr) override;

  // c of the best iteration: delta_best = -c (u p0 vᵀ / ||p0||) ⊙ w.
  double best_travel() const noexcept { return best_travel_; }

 private:
  double position_;  // a: p = a p0 / ||p0||
  double travel_ = 0.0;
  double best_travel_ = 0.0;
};

}  // namespace lrq::optimizers
