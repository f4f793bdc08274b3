#include "pipeline/converter.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <set>

#include "lrq/error.hpp"
#include "lrq/log.hpp"
#include "lrq/quoted.hpp"
#include "pipeline/layer_workers.hpp"
#include "pipeline/output_files.hpp"
#include "pipeline/output_writer.hpp"
#include "pipeline/provenance.hpp"
#include "pipeline/quantization_metadata.hpp"

namespace lrq::host {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The quantized layer this tensor belongs to: its weight, or its corrected bias.
const TensorPlan* layer_of(const ConversionPlan& plan, const TensorPlan& tensor) {
  if (tensor.action == LayerAction::quantize) return &tensor;
  if (tensor.partner != nullptr) return &plan.of(tensor.partner->info.name);
  return nullptr;
}

// A layer is converted when the first of its tensors comes up (its bias often comes before its
// weight).
std::vector<const TensorPlan*> conversion_order(const ConversionPlan& plan) {
  std::vector<const TensorPlan*> order;
  std::set<const TensorPlan*> seen;
  for (const TensorPlan& tensor : plan.tensors) {
    const TensorPlan* layer = layer_of(plan, tensor);
    if (layer != nullptr && seen.insert(layer).second) order.push_back(layer);
  }
  return order;
}

std::uint64_t weight_bytes(const std::vector<const TensorPlan*>& layers) {
  std::uint64_t bytes = 0;
  for (const TensorPlan* layer : layers)
    bytes += layer->entry->info.bytes();
  return bytes;
}

// Goes through the tensors of the plan in order on the calling thread: takes each quantized layer
// from the layer source, and hands the tensors on to the output writer, one batch per layer. What a
// layer made for later positions waits in `pending_`.
class ConversionRun {
 public:
  ConversionRun(const ConversionPlan& plan, LayerSource& layers, OutputWriter& output,
                const std::vector<const TensorPlan*>& order, ConversionProgress* progress)
      : plan_(plan),
        layers_(layers),
        output_(output),
        layer_count_(order.size()),
        layer_bytes_total_(weight_bytes(order)),
        progress_(progress) {}

  // False when the run was stopped (another thread failed).
  bool run() {
    WriteBatch batch;
    for (const TensorPlan& tensor : plan_.tensors) {
      const TensorPlan* layer = layer_of(plan_, tensor);
      if (layer != nullptr && !converted_.contains(layer)) {
        if (!batch.empty() && !output_.write(std::exchange(batch, {}))) return false;
        if (!convert(*layer)) return false;
      }
      batch.push_back(prepare(tensor));
    }
    return batch.empty() || output_.write(std::move(batch));
  }

 private:
  bool convert(const TensorPlan& layer) {
    const TensorInfo& weight = layer.entry->info;
    if (progress_ != nullptr) {
      progress_->layer_started(
          {weight, converted_.size(), layer_count_, layer_bytes_before_, layer_bytes_total_});
    }
    layer_bytes_before_ += weight.bytes();
    std::optional<ConvertedLayer> converted = layers_.next(layer);
    if (!converted) return false;
    pending_.merge(converted->tensors);
    converted_.emplace(&layer, std::move(converted->outcome));
    return true;
  }

  TensorWrite prepare(const TensorPlan& tensor) {
    TensorWrite write{&tensor, {}, {}};
    if (tensor.action == LayerAction::quantize) write.outcome = converted_.at(&tensor);
    write.outcome.tensor = tensor.entry->info;
    write.outcome.action = tensor.action;
    write.outcome.reason = tensor.reason;
    for (const TensorInfo& output : tensor.outputs) {
      if (auto made = pending_.extract(output.name)) write.made.insert(std::move(made));
    }
    return write;
  }

  const ConversionPlan& plan_;
  LayerSource& layers_;
  OutputWriter& output_;
  std::map<std::string, std::vector<std::byte>> pending_;
  std::map<const TensorPlan*, LayerOutcome> converted_;
  const std::size_t layer_count_;
  const std::uint64_t layer_bytes_total_;
  std::uint64_t layer_bytes_before_ = 0;
  ConversionProgress* progress_;
};

// One backend: the layers are converted on this thread. Several: by a worker per backend.
std::unique_ptr<LayerSource> layer_source(const Checkpoint& input,
                                          const std::vector<const TensorPlan*>& order,
                                          std::span<Backend* const> backends,
                                          const ConversionSettings& settings,
                                          FirstFailure& failure) {
  if (backends.empty()) throw Error(ErrorCategory::internal, "a conversion without a backend");
  if (backends.size() == 1) {
    return std::make_unique<LayerConverter>(input, order, *backends[0], settings, failure);
  }
  return std::make_unique<LayerWorkers>(input, order, backends, settings, failure);
}

// Runs the conversion on this thread and the feed, workers and writer on theirs (when
// streaming); the first failure of any of them, after all have stopped.
std::vector<LayerOutcome> convert_tensors(const Checkpoint& input, const ConversionPlan& plan,
                                          std::span<Backend* const> backends,
                                          const ConversionSettings& settings, OutputFiles& files,
                                          ConversionProgress* progress) {
  FirstFailure failure;
  OutputWriter output(input, plan, files, progress, settings.streaming, failure);
  const std::vector<const TensorPlan*> order = conversion_order(plan);
  try {
    const std::unique_ptr<LayerSource> layers =
        layer_source(input, order, backends, settings, failure);
    ConversionRun run(plan, *layers, output, order, progress);
    if (run.run()) return output.finish();
  } catch (...) {
    failure.record(std::current_exception());
  }
  failure.rethrow();
  throw Error(ErrorCategory::internal, "the conversion stopped without a failure");
}

}  // namespace

ConversionResult convert(const Checkpoint& input, const ConversionPlan& plan,
                         std::span<Backend* const> backends, const ConversionSettings& settings,
                         StagedFiles& staged, ConversionProgress* progress) {
  const Clock::time_point start = Clock::now();
  const OutputMetadata metadata = output_metadata(input.metadata(), plan.quantized_layers(),
                                                  plan.outputs(), input.metadata_file());
  if (!metadata.dropped.empty()) log(LogLevel::warning, dropped_entries_warning(metadata.dropped));
  OutputFiles files(staged, plan, with_provenance(metadata.metadata, settings.provenance), input,
                    settings.shard_size);
  ConversionResult result;
  result.output = files.path();
  result.input_bytes = input.file_size();
  result.layers = convert_tensors(input, plan, backends, settings, files, progress);
  result.output_bytes = files.bytes();
  result.seconds = seconds_since(start);
  return result;
}

VersusRtn versus_rtn(double learned_ratio) noexcept {
  if (learned_ratio < 1.0 - kEqualRatioTolerance) return VersusRtn::better;
  if (learned_ratio > 1.0 + kEqualRatioTolerance) return VersusRtn::worse;
  return VersusRtn::equal;
}

const char* input_source_name(InputSource source) noexcept {
  switch (source) {
    case InputSource::none:
      return "none";
    case InputSource::synthetic:
      return "synthetic";
    case InputSource::statistics:
      return "statistics";
    case InputSource::holdout:
      return "holdout";
  }
  return "none";
}

}  // namespace lrq::host
