#include "rounding_loop.hpp"

namespace lrq::optimizers {

LoopOutcome run_loop(LoopState& state, Schedule& schedule, const LoopOrder& order,
                     std::int64_t num_iter) {
  for (std::int64_t i = 0; i < num_iter; ++i) {
    const double loss = state.loss();
    const bool improved = schedule.observe(loss);
    if (improved && !order.remember_after_step) {
      state.remember_best();
      if (state.settled()) return {i + 1, std::string(kSettledStop)};
    }
    if (order.step_first) {
      state.step(schedule.lr());
      if (improved && order.remember_after_step) state.remember_best();
    }
    schedule.update_lr(i, improved);
    if (auto reason = schedule.stop_reason(loss)) return {i + 1, std::move(*reason)};
    if (!order.step_first) state.step(schedule.lr());
  }
  return {num_iter, "num_iter iterations done"};
}

}  // namespace lrq::optimizers
