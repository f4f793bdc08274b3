// The bookkeeping around the loss that every learned-rounding optimizer shares
// (docs/learned-rounding.md): the improvement test, the stall and plateau counters,
// the learning-rate schedule and the early-stopping criteria. Plain host arithmetic.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "settings.hpp"

namespace lrq::optimizers {

// Where the reference's optimizers differ in their bookkeeping.
struct ScheduleRules {
  bool stop_on_best_loss = false;   // adamw/radam test the best loss, original the current one
  bool always_reset_stall = true;   // original resets the stall counter in either adaptive mode
  bool shape_aware_plateau = true;  // the aspect-ratio factor (not INT8 block/row adamw/radam)
};

class Schedule {
 public:
  Schedule(const ScheduleSettings& settings, const ScheduleRules& rules, std::int64_t rows,
           std::int64_t cols);

  // The improvement test and the counters for this iteration's loss; true when it improved.
  bool observe(double loss);
  // The schedule's update after observe() (the reference runs it every iteration).
  void update_lr(std::int64_t iteration, bool improved);
  // Why the loop stops after this iteration, if it does.
  std::optional<std::string> stop_reason(double current_loss) const;

  double lr() const noexcept { return lr_; }

 private:
  bool improves(double loss) const;
  void decay_on_plateau();
  void adapt(std::int64_t iteration, bool improved);

  ScheduleSettings settings_;
  ScheduleRules rules_;
  double plateau_factor_;
  double shape_ratio_;  // |rows - cols| / max(rows, cols), for the adaptive schedule
  double lr_;
  double best_ = std::numeric_limits<double>::infinity();
  std::int64_t stall_ = 0;
  std::int64_t stall_before_reset_ = 0;
  std::int64_t plateau_ = 0;
  std::int64_t cooldown_ = 0;
};

}  // namespace lrq::optimizers
