#include "settings.hpp"

#include <string>

#include "lrq/error.hpp"

namespace lrq::optimizers {
namespace {

// Upper bounds of the integer options (README, Optimizers): counts of iterations stay far from
// std::int64_t overflow, and a rank, which never exceeds min(rows, cols) of a weight, stays below
// any dimension a weight that fits in memory can have on both sides.
constexpr double kMaxIterations = 1e9;
constexpr double kMaxRank = 1 << 24;

void add_loop_options(OptionsSchema& schema) {
  schema.add(OptionSpec::integer("num_iter", 4000, "iterations per weight (0: round to nearest)", 0,
                                 kMaxIterations));
  schema.add(OptionSpec::number("lr", 1.0, "initial learning rate", 0.0));
  schema.add(
      OptionSpec::choice("lr_schedule", {"plateau", "exponential", "adaptive"}, "plateau",
                         "learning-rate schedule: plateau (decay while the loss does not improve), "
                         "exponential, or adaptive (cosine U-curve)"));
  schema.add(
      OptionSpec::number("lr_gamma", 0.99, "exponential schedule: factor per iteration", 0.0, 1.0));
  schema.add(OptionSpec::integer("lr_patience", 1,
                                 "plateau schedule: iterations without improvement before a decay",
                                 0, kMaxIterations));
  schema.add(OptionSpec::number("lr_factor", 0.95, "plateau and adaptive schedules: decay factor",
                                0.0, 1.0));
  schema.add(OptionSpec::number("lr_min", 1e-8, "floor of the learning rate", 0.0));
  schema.add(OptionSpec::integer(
      "lr_cooldown", 0, "plateau: iterations without decay after one; adaptive: decay period", 0,
      kMaxIterations));
  schema.add(OptionSpec::number("lr_threshold", 0.0,
                                "smallest loss decrease that is an improvement", 0.0));
  schema.add(OptionSpec::choice("lr_threshold_mode", {"rel", "abs"}, "rel",
                                "lr_threshold relative to the best loss, or absolute"));
  schema.add(OptionSpec::choice("lr_adaptive_mode", {"simple-reset", "no-reset"}, "simple-reset",
                                "whether an improvement resets the stall counter (adamw, radam)"));
  schema.add(OptionSpec::number("lr_shape_influence", 1.0,
                                "plateau: how much the aspect ratio strengthens the decay", 0.0,
                                1.0));
  schema.add(OptionSpec::number("early_stop_loss", 5e-9, "stop when the loss falls to this", 0.0));
  schema.add(OptionSpec::number("early_stop_lr", 1.01e-8,
                                "stop when the learning rate falls to this", 0.0));
  schema.add(OptionSpec::integer("early_stop_stall", 2000,
                                 "stop after more than this many iterations without improvement", 0,
                                 kMaxIterations));
}

void add_subspace_options(OptionsSchema& schema) {
  schema.add(OptionSpec::number("top_p", 0.2, "rank as a fraction of min(rows, cols), in (0, 1]",
                                0.0, 1.0));
  schema.add(OptionSpec::integer("min_k", 256, "lower bound on the rank", 1, kMaxRank));
  schema.add(OptionSpec::integer("max_k", 1280, "upper bound on the rank", 1, kMaxRank));
  schema.add(OptionSpec::integer(
      "rank", 0, "fixed rank of the singular subspace (0: the top_p, min_k, max_k rule)", 0,
      kMaxRank));
  schema.add(OptionSpec::boolean("full_matrix", false,
                                 "exact SVD instead of the randomized range finder"));
  schema.add(
      OptionSpec::integer("svd_oversample", 10, "randomized SVD: extra test vectors", 0, kMaxRank));
  schema.add(
      OptionSpec::integer("svd_power_iterations", 4, "randomized SVD: power iterations", 0, 100));
}

// torch.optim's defaults: AdamW decays weights by 0.01, RAdam not at all.
void add_moment_options(OptionsSchema& schema, Method method) {
  schema.add(OptionSpec::number("beta1", 0.9, "decay of the first moment, in [0, 1)", 0.0, 1.0));
  schema.add(OptionSpec::number("beta2", 0.999, "decay of the second moment, in [0, 1)", 0.0, 1.0));
  schema.add(OptionSpec::number("eps", 1e-8, "added to the root of the second moment, > 0", 0.0));
  const bool decoupled = method == Method::adamw;
  schema.add(OptionSpec::number("weight_decay", decoupled ? 0.01 : 0.0,
                                decoupled ? "decoupled weight decay of the rounding offsets"
                                          : "L2 penalty on the rounding offsets",
                                0.0));
}

[[noreturn]] void reject(const std::string& message) {
  throw Error(ErrorCategory::recipe, "optimizer." + message);
}

void require_positive(const Options& options, const char* name) {
  if (options.get_number(name) <= 0.0) {
    reject(std::string(name) + " must be greater than 0, got " +
           to_string(OptionValue(options.get_number(name))));
  }
}

void require_below_one(const Options& options, const char* name) {
  if (options.get_number(name) >= 1.0) {
    reject(std::string(name) + " must be less than 1, got " +
           to_string(OptionValue(options.get_number(name))));
  }
}

ScheduleSettings read_schedule(const Options& options) {
  ScheduleSettings schedule;
  schedule.lr = options.get_number("lr");
  const std::string& name = options.get_string("lr_schedule");
  schedule.schedule = name == "plateau"       ? LrSchedule::plateau
                      : name == "exponential" ? LrSchedule::exponential
                                              : LrSchedule::adaptive;
  schedule.gamma = options.get_number("lr_gamma");
  schedule.patience = options.get_int("lr_patience");
  schedule.factor = options.get_number("lr_factor");
  schedule.lr_min = options.get_number("lr_min");
  schedule.cooldown = options.get_int("lr_cooldown");
  schedule.threshold = options.get_number("lr_threshold");
  schedule.threshold_relative = options.get_string("lr_threshold_mode") == "rel";
  schedule.reset_stall_on_improvement = options.get_string("lr_adaptive_mode") == "simple-reset";
  schedule.shape_influence = options.get_number("lr_shape_influence");
  schedule.early_stop_loss = options.get_number("early_stop_loss");
  schedule.early_stop_lr = options.get_number("early_stop_lr");
  schedule.early_stop_stall = options.get_int("early_stop_stall");
  return schedule;
}

RankSettings read_rank(const Options& options) {
  require_positive(options, "top_p");
  RankSettings rank;
  rank.top_p = options.get_number("top_p");
  rank.min_k = options.get_int("min_k");
  rank.max_k = options.get_int("max_k");
  if (rank.min_k > rank.max_k) {
    reject("min_k " + std::to_string(rank.min_k) + " is larger than optimizer.max_k " +
           std::to_string(rank.max_k));
  }
  rank.fixed = options.get_int("rank");
  rank.full_matrix = options.get_bool("full_matrix");
  rank.oversample = options.get_int("svd_oversample");
  rank.power_iterations = options.get_int("svd_power_iterations");
  return rank;
}

MomentSettings read_moments(const Options& options) {
  require_below_one(options, "beta1");
  require_below_one(options, "beta2");
  require_positive(options, "eps");
  return {options.get_number("beta1"), options.get_number("beta2"), options.get_number("eps"),
          options.get_number("weight_decay")};
}

}  // namespace

OptionsSchema learned_rounding_schema(Method method) {
  OptionsSchema schema;
  add_loop_options(schema);
  add_subspace_options(schema);
  if (method != Method::original) add_moment_options(schema, method);
  return schema;
}

LearnedRoundingSettings read_settings(Method method, const Options& options) {
  LearnedRoundingSettings settings;
  settings.method = method;
  settings.num_iter = options.get_int("num_iter");
  settings.schedule = read_schedule(options);
  settings.rank = read_rank(options);
  if (method != Method::original) settings.moments = read_moments(options);
  return settings;
}

}  // namespace lrq::optimizers
