#include "pipeline/layer_conversion.hpp"

#include <cmath>
#include <utility>

#include "lrq/error.hpp"
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
              "format '" + format.comfy_format() + "' encoded '" + encoded.info.name + "' " +
                  std::string(safetensors_name(encoded.info.dtype)) + " " +
                  shape_to_string(encoded.info.shape) + " where its plan said '" + planned.name +
                  "' " + std::string(safetensors_name(planned.dtype)) + " " +
                  shape_to_string(planned.shape) + (same_config ? "" : " (other JSON)"));
}

void add_encoded(ConvertedLayer& layer, std::vector<EncodedTensor> encoded, const TensorPlan& plan,
                 const Format& format) {
  if (encoded.size() != plan.outputs.size()) {
    throw Error(ErrorCategory::plugin, "format '" + format.comfy_format() + "' encoded " +
                                           std::to_string(encoded.size()) + " tensors for '" +
                                           plan.entry->info.name + "', its plan said " +
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

RoundingResult optimize(const TensorPlan& weight_plan, const DeviceTensor& weight,
                        const LayerQuantization& quantization, Backend& backend,
                        const ConversionSettings& settings) {
  const StageScope stage(Stage::optimize);
  const TensorInfo& info = weight_plan.entry->info;
  RoundingResult rounded = weight_plan.route->optimizer.object->optimize(
      OptimizeRequest{backend, info, weight, quantization, derive_seed(settings.seed, info.name),
                      settings.reference_compat});
  if (rounded.grid_values.shape != weight.shape || rounded.grid_values.dtype != DType::F32) {
    throw Error(ErrorCategory::plugin,
                "the optimizer returned " + shape_to_string(rounded.grid_values.shape) +
                    " values for '" + info.name + "' " + shape_to_string(weight.shape));
  }
  return rounded;
}

// The report's errors of the result and of round-to-nearest; returns the result's error
// W - Ŵ, which bias correction needs too.
DeviceTensor evaluate(LayerOutcome& outcome, const DeviceTensor& weight,
                      const RoundingResult& rounded, const LayerQuantization& quantization,
                      Backend& backend, const ConversionSettings& settings,
                      CalibrationInputs& calibration) {
  const StageScope stage(Stage::evaluate);
  if (rounded.rank > 0) {
    outcome.rtn.projected = rounded.projected_error_rtn;
    outcome.result.projected = rounded.projected_error;
  }
  // Without a singular subspace the optimizer rounded to nearest: the result is the RTN layer.
  const DeviceTensor rtn_values = rounded.rank > 0
                                      ? backend.quantize(weight, quantization.multiplier,
                                                         quantization.layout, quantization.grid)
                                      : rounded.grid_values;
  DeviceTensor result_error = weight_error(backend, weight, rounded.grid_values, quantization);
  const DeviceTensor rtn_error =
      rounded.rank > 0 ? weight_error(backend, weight, rtn_values, quantization) : result_error;
  const double weight_norm = std::sqrt(backend.sum_of_squares(weight));
  outcome.result.weight = relative(std::sqrt(backend.sum_of_squares(result_error)), weight_norm);
  outcome.rtn.weight = relative(std::sqrt(backend.sum_of_squares(rtn_error)), weight_norm);

  if (settings.evaluate_outputs) {
    const DeviceTensor& rows = calibration.rows(weight.shape[1]);
    const double reference = output_norm(backend, rows, weight);
    outcome.result.output = relative(output_norm(backend, rows, result_error), reference);
    outcome.rtn.output = rounded.rank > 0
                             ? relative(output_norm(backend, rows, rtn_error), reference)
                             : outcome.result.output;
  }
  return result_error;
}

}  // namespace

ConvertedLayer convert_layer(const SafetensorsReader& input, const TensorPlan& weight_plan,
                             DeviceTensor uploaded, Backend& backend,
                             const ConversionSettings& settings, CalibrationInputs& calibration) {
  const TensorInfo& info = weight_plan.entry->info;
  const QuantizationRoute& route = *weight_plan.route;
  const Format& format = *route.format.object;
  const DeviceTensor weight = [&] {
    const StageScope stage(Stage::upload);
    return backend.to_f32(std::exchange(uploaded, {}));  // frees the input-dtype copy
  }();
  const LayerQuantization quantization = [&] {
    const StageScope stage(Stage::quantize);
    return format.prepare(backend, info, weight);
  }();
  RoundingResult rounded = optimize(weight_plan, weight, quantization, backend, settings);
  ConvertedLayer layer;
  {
    const StageScope stage(Stage::quantize);
    add_encoded(layer,
                format.encode(backend, weight_plan.prefix, rounded.grid_values, quantization),
                weight_plan, format);
  }

  LayerOutcome& outcome = layer.outcome;
  outcome.comfy_format = format.comfy_format();
  outcome.format_label = route.format.label;
  outcome.optimizer = route.optimizer.name;
  outcome.optimizer_label = route.optimizer.label;
  outcome.scale_layout = quantization.layout.describe();
  outcome.rank = rounded.rank;
  outcome.iterations = rounded.iterations;
  outcome.stop_reason = rounded.stop_reason;
  const DeviceTensor result_error =
      evaluate(outcome, weight, rounded, quantization, backend, settings, calibration);
  if (weight_plan.partner != nullptr) {
    const StageScope stage(Stage::bias_correction);
    const DeviceTensor& mean_input = calibration.mean(info.shape[1]);
    layer.tensors.emplace(weight_plan.partner->info.name,
                          corrected_bias(backend, input.view(*weight_plan.partner), mean_input,
                                         result_error, settings.reference_compat));
    outcome.bias_corrected = true;
  }
  return layer;
}

}  // namespace lrq::host
