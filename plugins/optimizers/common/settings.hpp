// The options of the learned-rounding optimizers (docs/learned-rounding.md, with the
// reference tool's defaults) and their typed, validated form.
#pragma once

#include <cstdint>

#include "lrq/options.hpp"

namespace lrq::optimizers {

// Which optimizer drives the loop: the reference's hand-written descent or a torch.optim one.
enum class Method { original, adamw, radam };

enum class LrSchedule { plateau, exponential, adaptive };

struct ScheduleSettings {
  double lr = 1.0;
  LrSchedule schedule = LrSchedule::plateau;
  double gamma = 0.99;
  std::int64_t patience = 1;
  double factor = 0.95;
  double lr_min = 1e-8;
  std::int64_t cooldown = 0;
  double threshold = 0.0;
  bool threshold_relative = true;
  bool reset_stall_on_improvement = true;  // lr_adaptive_mode simple-reset (else no-reset)
  double shape_influence = 1.0;
  double early_stop_loss = 5e-9;
  double early_stop_lr = 1.01e-8;
  std::int64_t early_stop_stall = 2000;
};

struct RankSettings {
  double top_p = 0.2;
  std::int64_t min_k = 256;
  std::int64_t max_k = 1280;
  std::int64_t fixed = 0;  // `rank`: 0 = the top_p / min_k / max_k rule
  bool full_matrix = false;
  std::int64_t oversample = 10;
  std::int64_t power_iterations = 4;
};

// torch.optim's AdamW / RAdam hyper-parameters (adamw and radam only).
struct MomentSettings {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double weight_decay = 0.0;
};

struct LearnedRoundingSettings {
  Method method = Method::original;
  std::int64_t num_iter = 4000;
  ScheduleSettings schedule;
  RankSettings rank;
  MomentSettings moments;
};

OptionsSchema learned_rounding_schema(Method method);

// Throws lrq::Error (recipe) naming the option ("optimizer.min_k") for a combination that the
// schema's per-option checks cannot see.
LearnedRoundingSettings read_settings(Method method, const Options& options);

}  // namespace lrq::optimizers
