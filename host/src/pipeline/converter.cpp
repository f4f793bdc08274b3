#include "pipeline/converter.hpp"

#include <chrono>

#include "lrq/error.hpp"
#include "seed.hpp"

namespace lrq::host {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void require_planned(const EncodedTensor& encoded, const TensorInfo& planned,
                     const Format& format) {
  if (encoded.info.name == planned.name && encoded.info.dtype == planned.dtype &&
      encoded.info.shape == planned.shape) {
    return;
  }
  throw Error(ErrorCategory::plugin,
              "format '" + format.comfy_format() + "' encoded '" + encoded.info.name + "' " +
                  std::string(safetensors_name(encoded.info.dtype)) + " " +
                  shape_to_string(encoded.info.shape) + " where its plan said '" + planned.name +
                  "' " + std::string(safetensors_name(planned.dtype)) + " " +
                  shape_to_string(planned.shape));
}

LayerOutcome quantize_layer(const SafetensorsReader& input, const TensorPlan& plan,
                            const ConversionTools& tools, std::uint64_t seed,
                            SafetensorsWriter& writer) {
  const TensorInfo& info = plan.entry->info;
  Backend& backend = tools.backend;
  const DeviceTensor weight = backend.to_f32(backend.upload(input.view(*plan.entry)));
  const LayerQuantization quantization = tools.format.prepare(backend, info, weight);
  RoundingResult rounded = tools.optimizer.optimize(
      OptimizeRequest{backend, info, weight, quantization, derive_seed(seed, info.name)});
  if (rounded.grid_values.shape != weight.shape || rounded.grid_values.dtype != DType::F32) {
    throw Error(ErrorCategory::plugin,
                "the optimizer returned " + shape_to_string(rounded.grid_values.shape) +
                    " values for '" + info.name + "' " + shape_to_string(weight.shape));
  }
  const std::vector<EncodedTensor> encoded =
      tools.format.encode(backend, plan.prefix, rounded.grid_values, quantization);
  if (encoded.size() != plan.outputs.size()) {
    throw Error(ErrorCategory::plugin, "format '" + tools.format.comfy_format() + "' encoded " +
                                           std::to_string(encoded.size()) + " tensors for '" +
                                           info.name + "', its plan said " +
                                           std::to_string(plan.outputs.size()));
  }
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    require_planned(encoded[i], plan.outputs[i], tools.format);
    writer.write(encoded[i].info.name, encoded[i].bytes);
  }
  LayerOutcome outcome;
  outcome.comfy_format = tools.format.comfy_format();
  outcome.weight_error = backend.quantization_error(weight, rounded.grid_values, quantization.scale,
                                                    quantization.layout);
  outcome.iterations = rounded.iterations;
  outcome.stop_reason = std::move(rounded.stop_reason);
  return outcome;
}

}  // namespace

ConversionResult convert(const SafetensorsReader& input, const ConversionPlan& plan,
                         const ConversionTools& tools, std::uint64_t seed,
                         const std::filesystem::path& output) {
  const Clock::time_point start = Clock::now();
  SafetensorsWriter writer(output, plan.outputs(), input.metadata(), input.path());
  ConversionResult result;
  result.output = output;
  result.input_bytes = input.file_size();
  for (const TensorPlan& tensor : plan.tensors) {
    const Clock::time_point layer_start = Clock::now();
    LayerOutcome outcome;
    if (tensor.action == LayerAction::quantize) {
      outcome = quantize_layer(input, tensor, tools, seed, writer);
    } else if (tensor.action == LayerAction::keep) {
      writer.write(tensor.entry->info.name, input.view(*tensor.entry).bytes);
    }
    input.release(*tensor.entry);
    outcome.tensor = tensor.entry->info;
    outcome.action = tensor.action;
    outcome.reason = tensor.reason;
    outcome.seconds = seconds_since(layer_start);
    result.layers.push_back(std::move(outcome));
  }
  writer.commit();
  result.output_bytes = std::filesystem::file_size(output);
  result.seconds = seconds_since(start);
  return result;
}

}  // namespace lrq::host
