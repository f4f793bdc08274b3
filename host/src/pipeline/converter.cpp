#include "pipeline/converter.hpp"

#include <chrono>
#include <map>
#include <optional>

#include "lrq/error.hpp"
#include "pipeline/interrupt_cleanup.hpp"
#include "pipeline/layer_conversion.hpp"
#include "pipeline/quantization_metadata.hpp"

namespace lrq::host {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Writes the tensors of the plan in order. A quantized layer is converted when the first of its
// tensors comes up (its bias often comes before its weight); what it made for later positions
// waits in `pending_`.
class ConversionRun {
 public:
  ConversionRun(const SafetensorsReader& input, const ConversionPlan& plan,
                const ConversionTools& tools, const ConversionSettings& settings,
                SafetensorsWriter& writer)
      : input_(input),
        plan_(plan),
        tools_(tools),
        settings_(settings),
        writer_(writer),
        calibration_(tools.backend, settings.seed, settings.calib_samples) {}

  LayerOutcome write(const TensorPlan& tensor) {
    const TensorPlan* layer = layer_of(tensor);
    if (layer != nullptr && !converted_.contains(layer->entry->info.name)) {
      const Clock::time_point conversion_start = Clock::now();
      ConvertedLayer converted = convert_layer(input_, *layer, tools_, settings_, calibration_);
      converted.outcome.seconds = seconds_since(conversion_start);
      pending_.merge(converted.tensors);
      converted_.emplace(layer->entry->info.name, std::move(converted.outcome));
    }
    const Clock::time_point start = Clock::now();
    LayerOutcome outcome;
    if (tensor.action == LayerAction::quantize) outcome = converted_.at(tensor.entry->info.name);
    for (const TensorInfo& output : tensor.outputs) {
      const auto made = pending_.find(output.name);
      if (made != pending_.end()) {
        writer_.write(output.name, made->second);
        pending_.erase(made);
      } else {
        writer_.write(output.name, input_.view(*tensor.entry).bytes);
      }
    }
    input_.release(*tensor.entry);
    outcome.tensor = tensor.entry->info;
    outcome.action = tensor.action;
    outcome.reason = tensor.reason;
    outcome.seconds += seconds_since(start);
    return outcome;
  }

 private:
  // The quantized layer this tensor belongs to: its weight, or its corrected bias.
  const TensorPlan* layer_of(const TensorPlan& tensor) const {
    if (tensor.action == LayerAction::quantize) return &tensor;
    if (tensor.partner != nullptr) return &plan_.of(tensor.partner->info.name);
    return nullptr;
  }

  const SafetensorsReader& input_;
  const ConversionPlan& plan_;
  const ConversionTools& tools_;
  const ConversionSettings& settings_;
  SafetensorsWriter& writer_;
  CalibrationInputs calibration_;
  std::map<std::string, std::vector<std::byte>> pending_;
  std::map<std::string, LayerOutcome> converted_;  // by weight name
};

}  // namespace

ConversionResult convert(const SafetensorsReader& input, const ConversionPlan& plan,
                         const ConversionTools& tools, const ConversionSettings& settings,
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
  ConversionRun run(input, plan, tools, settings, *writer);
  for (const TensorPlan& tensor : plan.tensors) {
    LayerOutcome outcome = run.write(tensor);
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
