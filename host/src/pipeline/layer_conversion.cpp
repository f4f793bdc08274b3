#include "pipeline/layer_conversion.hpp"

#include <cmath>
#include <optional>
#include <utility>

#include "lrq/error.hpp"
#include "lrq/quoted.hpp"
#include "lrq/stages.hpp"
#include "pipeline/layer_evaluation.hpp"
#include "seed.hpp"

namespace lrq::host {
namespace {

// The encoded tensor is the planned one: same name, dtype and shape, and for `.comfy_quant` the
// planned JSON (the output's `_quantization_metadata` was written from it).
void require_planned(const EncodedTensor& encoded, const TensorInfo& planned,
                     const TensorPlan& plan, const Format& format) {
  const bool is_config = planned.name == plan.prefix + ".comfy_quant";
  const bool same_config =
      !is_config || std::string_view(reinterpret_cast<const char*>(encoded.bytes.data()),
                                     encoded.bytes.size()) == plan.comfy_quant_json;
  if (encoded.info.name == planned.name && encoded.info.dtype == planned.dtype &&
      encoded.info.shape == planned.shape && same_config) {
    return;
  }
  throw Error(ErrorCategory::plugin,
              "format " + in_quotes(format.comfy_format()) + " encoded " +
                  in_quotes(encoded.info.name) + " " +
                  std::string(safetensors_name(encoded.info.dtype)) + " " +
                  shape_to_string(encoded.info.shape) + " where its plan said " +
                  in_quotes(planned.name) + " " + std::string(safetensors_name(planned.dtype)) +
                  " " + shape_to_string(planned.shape) + (same_config ? "" : " (other JSON)"));
}

void add_encoded(ConvertedLayer& layer, std::vector<EncodedTensor> encoded, const TensorPlan& plan,
                 const Format& format) {
  if (encoded.size() != plan.outputs.size()) {
    throw Error(ErrorCategory::plugin, "format " + in_quotes(format.comfy_format()) + " encoded " +
                                           std::to_string(encoded.size()) + " tensors for " +
                                           in_quotes(plan.entry->info.name) + ", its plan said " +
                                           std::to_string(plan.outputs.size()));
  }
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    require_planned(encoded[i], plan.outputs[i], plan, format);
    layer.tensors.emplace(encoded[i].info.name, std::move(encoded[i].bytes));
  }
}

double relative(double numerator, double denominator) {
  return denominator > 0.0 ? numerator / denominator : numerator;
}

// What one layer works from.
struct LayerWork {
  const TensorPlan& plan;
  const DeviceTensor& weight;
  const LayerQuantization& quantization;
  Backend& backend;
  const ConversionSettings& settings;
  const InputStatistics* inputs;   // activation statistics, if any
  const InputStatistics* holdout;  // held-out statistics, if any
};

RoundingResult optimize(const LayerWork& work) {
  const StageScope stage(Stage::optimize);
  const TensorInfo& info = work.plan.entry->info;
  if (work.plan.without_statistics) {
    return {work.backend.quantize(work.weight, work.quantization.multiplier,
                                  work.quantization.layout, work.quantization.grid),
            0, "no activation statistics: round-to-nearest (calibration.missing: rtn)"};
  }
  RoundingResult rounded = work.plan.route->optimizer.object->optimize(OptimizeRequest{
      work.backend, info, work.weight, work.quantization,
      derive_seed(work.settings.seed, info.name), work.settings.reference_compat, work.inputs});
  if (rounded.grid_values.shape != work.weight.shape || rounded.grid_values.dtype != DType::F32) {
    throw Error(ErrorCategory::plugin, "the optimizer returned " +
                                           shape_to_string(rounded.grid_values.shape) +
                                           " values for " + in_quotes(info.name) + " " +
                                           shape_to_string(work.weight.shape));
  }
  return rounded;
}

// A rounding and its error W - Ŵ, with its expected output energy tr(E H Eᵀ) on the
// activation statistics (or the synthetic inputs), each computed once when first asked for: a
// round-to-nearest layer without a bias to correct and without the report needs no error at all.
class Candidate {
 public:
  Candidate(const LayerWork& work, DeviceTensor values) : work_(work), values_(std::move(values)) {}

  // Without statistics (H = I) the output energy is the weight energy: one reduction serves both.
  double energy(const InputStatistics* inputs) {
    if (inputs == nullptr) return weight_energy();
    if (inputs != work_.inputs) return output_energy(work_.backend, error(), *inputs);
    if (!decision_energy_) decision_energy_ = output_energy(work_.backend, error(), *inputs);
    return *decision_energy_;
  }
  double weight_energy() {
    if (!weight_energy_) weight_energy_ = work_.backend.sum_of_squares(error());
    return *weight_energy_;
  }
  DeviceTensor take_values() { return std::move(values_); }
  DeviceTensor take_error() { return std::move(error()); }

 private:
  DeviceTensor& error() {
    if (!error_) error_ = weight_error(work_.backend, work_.weight, values_, work_.quantization);
    return *error_;
  }

  const LayerWork& work_;
  DeviceTensor values_;
  std::optional<DeviceTensor> error_;
  std::optional<double> decision_energy_;
  std::optional<double> weight_energy_;
};

InputSource source_of(const InputStatistics* inputs, InputSource kind) {
  return inputs == nullptr ? InputSource::synthetic : kind;
}

// The report's errors: weight, projected (from the optimizer) and output on the evaluation
// inputs (held-out statistics, else the activation statistics, else synthetic).
void fill_errors(LayerOutcome& outcome, const LayerWork& work, const RoundingResult& rounded,
                 Candidate& rtn, Candidate* learned) {
  Backend& backend = work.backend;
  const InputStatistics* evaluation = work.holdout != nullptr ? work.holdout : work.inputs;
  outcome.evaluated_on = work.holdout != nullptr ? InputSource::holdout
                                                 : source_of(work.inputs, InputSource::statistics);
  const double weight_energy = backend.sum_of_squares(work.weight);
  const double reference =
      evaluation != nullptr ? output_energy(backend, work.weight, *evaluation) : weight_energy;
  const auto errors_of = [&](Candidate& rounding) {
    LayerErrors errors;
    errors.weight = std::sqrt(relative(rounding.weight_energy(), weight_energy));
    errors.output = std::sqrt(relative(rounding.energy(evaluation), reference));
    return errors;
  };
  outcome.rtn = errors_of(rtn);
  if (learned != nullptr) {
    outcome.learned = errors_of(*learned);
    if (rounded.rank > 0) {
      outcome.rtn.projected = rounded.projected_error_rtn;
      outcome.learned.projected = rounded.projected_error;
    }
  }
  outcome.result = outcome.learned_written ? outcome.learned : outcome.rtn;
}

// Chooses between the optimizer's rounding and round-to-nearest, and fills the outcome's errors.
// Returns what is written: its values, and its error when there is a bias to correct.
std::pair<DeviceTensor, std::optional<DeviceTensor>> decide(LayerOutcome& outcome,
                                                            const LayerWork& work,
                                                            RoundingResult& rounded) {
  const StageScope stage(Stage::evaluate);
  const QuantizationRoute& route = *work.plan.route;
  const LayerQuantization& q = work.quantization;
  outcome.learned_rounding = !route.round_to_nearest && !work.plan.without_statistics;
  Candidate rtn(work, outcome.learned_rounding
                          ? work.backend.quantize(work.weight, q.multiplier, q.layout, q.grid)
                          : std::move(rounded.grid_values));
  std::optional<Candidate> learned;
  if (outcome.learned_rounding) {
    learned.emplace(work, std::move(rounded.grid_values));
    const double learned_energy = learned->energy(work.inputs);
    const double rtn_energy = rtn.energy(work.inputs);
    outcome.decided_on = source_of(work.inputs, InputSource::statistics);
    outcome.learned_ratio = std::sqrt(relative(learned_energy, rtn_energy));
    const bool reference_behaviour = work.settings.reference_compat && !route.data_aware;
    outcome.learned_written =
        reference_behaviour || versus_rtn(outcome.learned_ratio) == VersusRtn::better;
  }
  if (work.settings.evaluate_outputs) {
    fill_errors(outcome, work, rounded, rtn, learned ? &*learned : nullptr);
  }
  Candidate& written = outcome.learned_written ? *learned : rtn;
  std::optional<DeviceTensor> error;
  if (work.plan.partner != nullptr) error = written.take_error();
  return {written.take_values(), std::move(error)};
}

}  // namespace

ConvertedLayer convert_layer(const Checkpoint& input, const TensorPlan& weight_plan, FedWeight fed,
                             Backend& backend, const ConversionSettings& settings,
                             CalibrationInputs& calibration) {
  const TensorInfo& info = weight_plan.entry->info;
  const QuantizationRoute& route = *weight_plan.route;
  const Format& format = *route.format.object;
  std::optional<InputStatistics> inputs;
  std::optional<InputStatistics> holdout;
  const DeviceTensor weight = [&] {
    const StageScope stage(Stage::upload);
    if (fed.inputs) inputs = assemble_statistics(backend, *fed.inputs);
    if (fed.holdout && settings.evaluate_outputs) {
      holdout = assemble_statistics(backend, *fed.holdout);
    }
    return backend.to_f32(std::exchange(fed.weight, {}));  // frees the input-dtype copy
  }();
  const LayerQuantization quantization = [&] {
    const StageScope stage(Stage::quantize);
    return format.prepare(backend, info, weight);
  }();
  const LayerWork work{weight_plan,
                       weight,
                       quantization,
                       backend,
                       settings,
                       inputs ? &*inputs : nullptr,
                       holdout ? &*holdout : nullptr};
  RoundingResult rounded = optimize(work);

  ConvertedLayer layer;
  LayerOutcome& outcome = layer.outcome;
  outcome.format = route.format.name;
  outcome.format_label = route.format.label;
  outcome.comfy_format = format.comfy_format();
  outcome.optimizer = route.optimizer.name;
  outcome.optimizer_label = route.optimizer.label;
  outcome.scale_layout = quantization.layout.describe();
  outcome.rank = rounded.rank;
  outcome.iterations = rounded.iterations;
  outcome.stop_reason = rounded.stop_reason;
  const auto [values, error] = decide(outcome, work, rounded);
  if (outcome.learned_rounding && !outcome.learned_written) {
    outcome.stop_reason +=
        "; round-to-nearest written (the learned rounding did not lower the expected output "
        "error)";
  }
  {
    const StageScope stage(Stage::quantize);
    add_encoded(layer, format.encode(backend, weight_plan.prefix, values, quantization),
                weight_plan, format);
  }
  if (weight_plan.partner != nullptr) {
    const StageScope stage(Stage::bias_correction);
    std::optional<DeviceTensor> mean;
    if (fed.inputs) {
      mean = backend.upload(
          TensorView{DType::F32, {1, info.shape[1]}, std::as_bytes(std::span(fed.inputs->mean))});
    }
    layer.tensors.emplace(weight_plan.partner->info.name,
                          corrected_bias(backend, input.view(*weight_plan.partner),
                                         mean ? *mean : calibration.mean(info.shape[1]), *error,
                                         settings.reference_compat));
    outcome.bias_corrected = true;
    outcome.bias_inputs = fed.inputs ? InputSource::statistics : InputSource::synthetic;
  }
  return layer;
}

}  // namespace lrq::host
