#include "schedule.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace lrq::optimizers {
namespace {

// Elongated weights decay faster: f + (f^sqrt(aspect ratio) - f) * influence.
double shape_aware_factor(const ScheduleSettings& settings, std::int64_t rows, std::int64_t cols) {
  const double aspect =
      static_cast<double>(std::max(rows, cols)) / static_cast<double>(std::min(rows, cols));
  const double factor = settings.factor;
  return factor + (std::pow(factor, std::sqrt(aspect)) - factor) * settings.shape_influence;
}

}  // namespace

Schedule::Schedule(const ScheduleSettings& settings, const ScheduleRules& rules, std::int64_t rows,
                   std::int64_t cols)
    : settings_(settings),
      rules_(rules),
      plateau_factor_(rules.shape_aware_plateau && settings.shape_influence > 0.0
                          ? shape_aware_factor(settings, rows, cols)
                          : settings.factor),
      shape_ratio_(static_cast<double>(std::abs(rows - cols)) /
                   static_cast<double>(std::max(rows, cols))),
      lr_(settings.lr) {}

bool Schedule::improves(double loss) const {
  if (settings_.threshold <= 0.0) return loss < best_;
  if (settings_.threshold_relative) return loss < best_ * (1.0 - settings_.threshold);
  return best_ - loss > settings_.threshold;
}

bool Schedule::observe(double loss) {
  const bool improved = improves(loss);
  stall_before_reset_ = stall_;
  if (improved) {
    best_ = loss;
    plateau_ = 0;
    if (rules_.always_reset_stall || settings_.reset_stall_on_improvement) stall_ = 0;
  } else {
    ++stall_;
    ++plateau_;
  }
  return improved;
}

void Schedule::update_lr(std::int64_t iteration, bool improved) {
  switch (settings_.schedule) {
    case LrSchedule::exponential:
      lr_ = std::max(lr_ * settings_.gamma, settings_.lr_min);
      break;
    case LrSchedule::plateau:
      decay_on_plateau();
      break;
    case LrSchedule::adaptive:
      adapt(iteration, improved);
      break;
  }
}

void Schedule::decay_on_plateau() {
  if (cooldown_ > 0) {
    --cooldown_;
  } else if (plateau_ >= settings_.patience) {
    if (lr_ > settings_.lr_min) {
      lr_ = std::max(lr_ * plateau_factor_, settings_.lr_min);
      cooldown_ = settings_.cooldown;
    }
    plateau_ = 0;
  }
}

// The cosine U-curve: gentle at the start and the end of a stall, strongest half-way to
// early_stop_stall.
void Schedule::adapt(std::int64_t iteration, bool improved) {
  const double counter = static_cast<double>(improved ? stall_before_reset_ : stall_);
  const double stall_limit =
      static_cast<double>(std::max<std::int64_t>(settings_.early_stop_stall, 1));
  const double t = std::min(counter / stall_limit, 1.0);
  const double u = (1.0 + std::cos(2.0 * std::numbers::pi * t)) / 2.0;
  if (improved) {
    const double boost = 1.0 + 0.25 * (1.0 + 0.5 * shape_ratio_) * (1.0 - u);
    lr_ = std::min(lr_ * boost, 100.0);
    if (!settings_.reset_stall_on_improvement) stall_ = 0;
  } else if (iteration % std::max<std::int64_t>(settings_.cooldown, 1) == 0) {
    const double slowest = settings_.factor - 0.03 * shape_ratio_;
    lr_ = std::max(lr_ * (slowest + (0.995 - slowest) * u), settings_.early_stop_lr);
  }
}

std::optional<std::string> Schedule::stop_reason(double current_loss) const {
  const double loss = rules_.stop_on_best_loss ? best_ : current_loss;
  if (loss <= settings_.early_stop_loss) return "loss at or below early_stop_loss";
  if (lr_ <= settings_.early_stop_lr) return "lr at or below early_stop_lr";
  if (stall_ > settings_.early_stop_stall) {
    return "no improvement for more than early_stop_stall iterations";
  }
  return std::nullopt;
}

}  // namespace lrq::optimizers
