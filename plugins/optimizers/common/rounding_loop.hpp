// The one optimization loop of original, adamw and radam. What a step does and how the loss is
// computed belongs to a LoopState; the order of the bookkeeping belongs to the loop.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "schedule.hpp"

namespace lrq::optimizers {

class LoopState {
 public:
  virtual ~LoopState() = default;
  // The loss of the current parameters.
  virtual double loss() = 0;
  // Keep the current parameters as the result.
  virtual void remember_best() = 0;
  // One step with learning rate `lr` from the parameters whose loss() was last computed.
  virtual void step(double lr) = 0;
  // Whether no later iteration can change how the remembered parameters round (asked right
  // after remember_best()); then the loop stops with them.
  virtual bool settled() { return false; }
};

struct LoopOrder {
  // adamw/radam step before the improvement bookkeeping and the schedule; original after them,
  // and only when it does not stop.
  bool step_first = false;
  // The reference's adamw/radam record the parameters after the step as "best" (a defect).
  bool remember_after_step = false;
};

// The stop reason when LoopState::settled() ends the loop.
inline constexpr std::string_view kSettledStop =
    "rounding settled: no later iteration can change a code";

struct LoopOutcome {
  std::int64_t iterations = 0;  // loss evaluations, the stopping one included
  std::string stop_reason;
};

LoopOutcome run_loop(LoopState& state, Schedule& schedule, const LoopOrder& order,
                     std::int64_t num_iter);

}  // namespace lrq::optimizers
