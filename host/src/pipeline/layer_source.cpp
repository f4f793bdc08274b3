#include "pipeline/layer_source.hpp"

#include <array>
#include <chrono>
#include <cstdio>

#include "lrq/error.hpp"
#include "lrq/log.hpp"
#include "lrq/quoted.hpp"

namespace lrq::host {
namespace {

using Clock = std::chrono::steady_clock;

// "converted double_blocks.0.img_mlp.0.weight [1024, 256] with fp8(scale=tensor) / rtn in 0.012 s"
std::string describe(const TensorInfo& weight, const LayerOutcome& layer) {
  std::array<char, 32> seconds{};
  std::snprintf(seconds.data(), seconds.size(), "%.3f", layer.seconds);
  return "converted " + escaped(weight.name) + " " + shape_to_string(weight.shape) + " with " +
         layer.format_label + " / " + layer.optimizer_label + " in " + seconds.data() + " s";
}

}  // namespace

LayerConverter::LayerConverter(const Checkpoint& input, std::vector<const TensorPlan*> layers,
                               Backend& backend, const ConversionSettings& settings,
                               FirstFailure& failure)
    : input_(input),
      backend_(backend),
      settings_(settings),
      calibration_(backend, settings.seed, settings.calib_samples),
      weights_(input, std::move(layers), backend, settings.streaming, failure) {}

std::optional<ConvertedLayer> LayerConverter::next(const TensorPlan& layer) {
  const Clock::time_point start = Clock::now();
  std::optional<FedWeight> fed = weights_.next();
  if (!fed) return std::nullopt;
  if (fed->layer != &layer) {
    throw Error(ErrorCategory::internal,
                "weights fed out of order: " + in_quotes(fed->layer->entry->info.name) + " for " +
                    in_quotes(layer.entry->info.name));
  }
  ConvertedLayer converted =
      convert_layer(input_, layer, std::move(*fed), backend_, settings_, calibration_);
  converted.outcome.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (log_enabled(LogLevel::debug)) {
    log(LogLevel::debug, describe(layer.entry->info, converted.outcome));
  }
  return converted;
}

}  // namespace lrq::host
