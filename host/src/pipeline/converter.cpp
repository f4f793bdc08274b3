#include "pipeline/converter.hpp"

#include <chrono>
#include <optional>

#include "lrq/error.hpp"
#include "pipeline/interrupt_cleanup.hpp"
#include "pipeline/quantization_metadata.hpp"
#include "seed.hpp"

namespace lrq::host {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

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
    require_planned(encoded[i], plan.outputs[i], plan, tools.format);
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
                         const std::filesystem::path& output, ConversionProgress* progress) {
  const Clock::time_point start = Clock::now();
  std::optional<SafetensorsWriter> writer;
  std::optional<InterruptCleanup> cleanup;
  {
    const InterruptsHeldBack held_back;
    writer.emplace(output, plan.outputs(),
                   output_metadata(input.metadata(), plan.quantized_layers(), input.path()),
                   input.path());
    cleanup.emplace(writer->temporary_path());
  }
  ConversionResult result;
  result.output = output;
  result.input_bytes = input.file_size();
  std::uint64_t bytes_total = 0;
  for (const TensorPlan& tensor : plan.tensors)
    bytes_total += tensor.entry->info.bytes();
  std::uint64_t bytes_done = 0;
  for (const TensorPlan& tensor : plan.tensors) {
    const Clock::time_point layer_start = Clock::now();
    LayerOutcome outcome;
    if (tensor.action == LayerAction::quantize) {
      outcome = quantize_layer(input, tensor, tools, seed, *writer);
    } else if (tensor.action == LayerAction::keep) {
      writer->write(tensor.entry->info.name, input.view(*tensor.entry).bytes);
    }
    input.release(*tensor.entry);
    outcome.tensor = tensor.entry->info;
    outcome.action = tensor.action;
    outcome.reason = tensor.reason;
    outcome.seconds = seconds_since(layer_start);
    bytes_done += tensor.entry->info.bytes();
    if (progress != nullptr) {
      progress->tensor_done(outcome, result.layers.size() + 1, plan.tensors.size(), bytes_done,
                            bytes_total);
    }
    result.layers.push_back(std::move(outcome));
  }
  writer->commit();
  result.output_bytes = std::filesystem::file_size(output);
  result.seconds = seconds_since(start);
  return result;
}

}  // namespace lrq::host
