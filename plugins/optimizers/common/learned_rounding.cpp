#include "learned_rounding.hpp"

#include <cmath>
#include <memory>
#include <span>
#include <vector>

#include "block_state.hpp"
#include "dense_state.hpp"
#include "host_values.hpp"
#include "line_state.hpp"
#include "reference_rules.hpp"
#include "rounding_loop.hpp"
#include "row_state.hpp"
#include "schedule.hpp"
#include "settled_rounding.hpp"
#include "subspace.hpp"
#include "update_rules.hpp"

namespace lrq::optimizers {
namespace {

constexpr ScaleLayout kPerTensor = ScaleLayout::per_tensor();

// What every loop works from for one weight.
struct Problem {
  const OptimizeRequest& request;
  const Subspace& subspace;
  Projector& projector;
  const DeviceTensor& start;        // Q0, round-to-nearest
  const DeviceTensor& start_error;  // p0 = uᵀ(Q0 ⊙ scale - W) v
  double start_loss;                // ||p0||
  double weight_absmax;
};

double weight_absmax(Backend& backend, const DeviceTensor& weight) {
  float value = 0.0f;
  backend.download(backend.absmax(weight, kPerTensor),
                   std::as_writable_bytes(std::span(&value, 1)));
  return value;
}

// p = uᵀ(values ⊙ scale - W) v.
DeviceTensor projected_error(const OptimizeRequest& request, Projector& projector,
                             const DeviceTensor& values, std::int64_t rank) {
  Backend& backend = request.backend;
  DeviceTensor error =
      backend.dequantize(values, request.quantization.scale, request.quantization.layout);
  backend.axpby(-1.0f, request.weight, 1.0f, error);
  DeviceTensor projected = backend.zeros({rank, rank});
  projector.project(1.0f, error, 0.0f, projected);
  return projected;
}

double norm(Backend& backend, const DeviceTensor& x) {
  return std::sqrt(backend.sum_of_squares(x));
}

DeviceTensor descent_weights_for(const Problem& problem) {
  return descent_weights(problem.request.backend, problem.request.quantization,
                         problem.weight_absmax, problem.request.reference_compat);
}

// The best rounding offsets delta (Q_best = Q0 + delta) and how the loop ended.
struct Optimized {
  DeviceTensor offsets;
  LoopOutcome outcome;
};

// delta = (alpha u p vᵀ) ⊙ w, w the descent weights: how original's k-space paths end.
DeviceTensor expanded_offsets(const Problem& problem, float alpha, const DeviceTensor& p,
                              const DeviceTensor& weights) {
  DeviceTensor direction = problem.request.backend.zeros(problem.request.weight.shape);
  problem.projector.expand(alpha, p, direction);
  return problem.request.backend.dequantize(direction, weights,
                                            problem.request.quantization.layout);
}

Optimized optimize_on_line(const Problem& problem, Schedule& schedule, const LoopOrder& order,
                           std::int64_t num_iter) {
  LineState line(problem.start_loss);
  LoopOutcome outcome = run_loop(line, schedule, order, num_iter);
  if (line.best_travel() == 0.0) {
    return {problem.request.backend.zeros(problem.request.weight.shape), std::move(outcome)};
  }
  return {expanded_offsets(problem, static_cast<float>(-line.best_travel() / problem.start_loss),
                           problem.start_error, descent_weights_for(problem)),
          std::move(outcome)};
}

Optimized optimize_on_rows(const Problem& problem, Schedule& schedule, const LoopOrder& order,
                           std::int64_t num_iter) {
  Backend& backend = problem.request.backend;
  const LayerQuantization& quantization = problem.request.quantization;
  const DeviceTensor weights = descent_weights_for(problem);
  RowState state(backend, problem.subspace.u,
                 backend.dequantize(weights, quantization.scale, quantization.layout),
                 problem.start_error);
  LoopOutcome outcome = run_loop(state, schedule, order, num_iter);
  return {expanded_offsets(problem, -1.0f, state.best_travel(), weights), std::move(outcome)};
}

// M = w ⊙ scale per cell, on the host.
std::vector<float> cell_factors(Backend& backend, const DeviceTensor& weights,
                                const DeviceTensor& scale) {
  std::vector<float> factors = download_floats(backend, weights);
  const std::vector<float> scales = download_floats(backend, scale);
  for (std::size_t cell = 0; cell < factors.size(); ++cell)
    factors[cell] *= scales[cell];
  return factors;
}

Optimized optimize_on_blocks(const Problem& problem, Schedule& schedule, const LoopOrder& order,
                             std::int64_t num_iter) {
  Backend& backend = problem.request.backend;
  const LayerQuantization& quantization = problem.request.quantization;
  const DeviceTensor weights = descent_weights_for(problem);
  SettledRounding settlement(backend, problem.subspace, quantization, weights, problem.start,
                             problem.start_loss);
  BlockState state(backend, problem.subspace, quantization.layout,
                   cell_factors(backend, weights, quantization.scale), problem.start_error,
                   settlement, [&](const DeviceTensor& travel) {
                     return expanded_offsets(problem, -1.0f, travel, weights);
                   });
  LoopOutcome outcome = run_loop(state, schedule, order, num_iter);
  return {expanded_offsets(problem, -1.0f, state.best_travel(), weights), std::move(outcome)};
}

Optimized optimize_dense(const Problem& problem, const LearnedRoundingSettings& settings,
                         Schedule& schedule, const LoopOrder& order) {
  Backend& backend = problem.request.backend;
  const LayerQuantization& quantization = problem.request.quantization;
  const Shape& shape = problem.request.weight.shape;
  std::unique_ptr<UpdateRule> rule;
  std::unique_ptr<SettledRounding> settlement;
  if (settings.method == Method::original) {
    DeviceTensor weights = descent_weights_for(problem);
    settlement = std::make_unique<SettledRounding>(backend, problem.subspace, quantization, weights,
                                                   problem.start, problem.start_loss);
    rule = std::make_unique<DescentRule>(backend, std::move(weights), quantization.layout);
  } else {
    rule = std::make_unique<MomentRule>(backend, settings.method, settings.moments, quantization,
                                        shape);
  }
  DenseState state(backend, problem.projector, quantization, problem.start_error, *rule, shape,
                   settlement.get());
  LoopOutcome outcome = run_loop(state, schedule, order, settings.num_iter);
  return {state.best_offsets(), std::move(outcome)};
}

// original's k-space paths where the layout allows them (the line first: under reference_compat
// fp8 per row is on it; the tiled one where it costs fewer flops), else the general loop.
Optimized optimize_with(const Problem& problem, const LearnedRoundingSettings& settings,
                        Schedule& schedule, const LoopOrder& order) {
  const LayerQuantization& quantization = problem.request.quantization;
  if (settings.method == Method::original) {
    if (error_follows_gradient(quantization, problem.request.reference_compat)) {
      return optimize_on_line(problem, schedule, order, settings.num_iter);
    }
    if (quantization.layout.granularity == ScaleGranularity::row) {
      return optimize_on_rows(problem, schedule, order, settings.num_iter);
    }
    const Shape& shape = problem.request.weight.shape;
    if (quantization.layout.granularity == ScaleGranularity::block &&
        block_path_pays(shape.at(0), shape.at(1), problem.subspace.rank, quantization.layout)) {
      return optimize_on_blocks(problem, schedule, order, settings.num_iter);
    }
  }
  return optimize_dense(problem, settings, schedule, order);
}

}  // namespace

RoundingResult LearnedRounding::optimize(const OptimizeRequest& request) {
  Backend& backend = request.backend;
  const LayerQuantization& quantization = request.quantization;
  const std::int64_t rows = request.weight.shape.at(0);
  const std::int64_t cols = request.weight.shape.at(1);
  const std::int64_t rank = subspace_rank(settings_.rank, request.weight_info.name, rows, cols);
  DeviceTensor start = backend.quantize(request.weight, quantization.multiplier,
                                        quantization.layout, quantization.grid);
  const double absmax = weight_absmax(backend, request.weight);
  if (absmax == 0.0) return {std::move(start), 0, "all-zero weight: round-to-nearest"};
  if (settings_.num_iter == 0) return {std::move(start), 0, "num_iter is 0: round-to-nearest"};

  const Subspace subspace =
      singular_subspace(backend, request.weight, settings_.rank, rank, request.seed);
  Projector projector(backend, subspace, rows, cols);
  const DeviceTensor start_error = projected_error(request, projector, start, rank);
  const Problem problem{
      request, subspace, projector, start, start_error, norm(backend, start_error), absmax};

  Schedule schedule(settings_.schedule, schedule_rules(settings_.method, quantization), rows, cols);
  const LoopOrder order = loop_order(settings_.method, request.reference_compat);
  Optimized optimized = optimize_with(problem, settings_, schedule, order);

  DeviceTensor values =
      round_onto_grid(backend, start, std::move(optimized.offsets), quantization.grid);
  const double final_loss = norm(backend, projected_error(request, projector, values, rank));
  const double reference = subspace.weight_norm > 0.0 ? subspace.weight_norm : 1.0;
  return {std::move(values),
          optimized.outcome.iterations,
          std::move(optimized.outcome.stop_reason),
          rank,
          problem.start_loss / reference,
          final_loss / reference};
}

}  // namespace lrq::optimizers
