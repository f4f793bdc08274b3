#include "pipeline/calibration_plan.hpp"

#include <string>
#include <vector>

#include "lrq/error.hpp"
#include "lrq/quoted.hpp"
#include "recipe/suggest.hpp"

namespace lrq::host {
namespace {

constexpr std::size_t kNamedLayers = 5;

// The layer's statistics in `file`, or why there are none ("" when there are).
StatisticsSource source_for(const ActivationStats& file, const TensorInfo& weight,
                            std::string& why_not) {
  const LayerInputStats* layer = file.find(weight.name);
  if (layer == nullptr) {
    why_not = in_quotes(weight.name) + " (none)";
    return {};
  }
  if (layer->width != weight.shape.at(1)) {
    why_not = in_quotes(weight.name) + " (K " + std::to_string(layer->width) + ", the weight has " +
              std::to_string(weight.shape.at(1)) + " columns)";
    return {};
  }
  return {&file, layer};
}

}  // namespace

CalibrationFiles open_calibration(const CalibrationSettings& settings) {
  CalibrationFiles files;
  if (!settings.stats.empty()) files.inputs.emplace(settings.stats);
  if (!settings.holdout.empty()) files.holdout.emplace(settings.holdout);
  return files;
}

CalibrationCoverage attach_statistics(ConversionPlan& plan, const CalibrationFiles& files,
                                      const CalibrationSettings& settings) {
  CalibrationCoverage coverage;
  std::vector<std::string> unmatched;
  for (TensorPlan& tensor : plan.tensors) {
    if (tensor.action != LayerAction::quantize) continue;
    ++coverage.quantized;
    const TensorInfo& weight = tensor.entry->info;
    std::string why_not;
    if (files.holdout) {
      tensor.holdout = source_for(*files.holdout, weight, why_not);
      coverage.with_holdout += tensor.holdout ? 1 : 0;
    }
    if (!files.inputs) continue;
    tensor.inputs = source_for(*files.inputs, weight, why_not);
    if (tensor.inputs) {
      ++coverage.with_inputs;
    } else {
      unmatched.push_back(why_not);
      tensor.without_statistics = true;
      tensor.reason += "; no activation statistics: round-to-nearest";
    }
  }
  coverage.without = unmatched.size();
  if (!unmatched.empty() && settings.missing == MissingStatistics::error) {
    throw Error(ErrorCategory::input,
                files.inputs->path().string() + ": no statistics that fit " +
                    std::to_string(unmatched.size()) + " of the " +
                    std::to_string(coverage.quantized) +
                    " layers to quantize: " + join_first(unmatched, kNamedLayers) +
                    "; statistics of another model? With calibration.missing: rtn those layers "
                    "are rounded to nearest instead");
  }
  return coverage;
}

std::string describe_calibration(const CalibrationFiles& files,
                                 const CalibrationCoverage& coverage) {
  const auto file_text = [](const ActivationStats& file) {
    return file.path().string() + " (" + file.producer() + ", " + std::to_string(file.samples()) +
           " samples)";
  };
  std::string text = "none (learned rounding is judged on synthetic inputs)";
  if (files.inputs) {
    text = file_text(*files.inputs) + ": " + std::to_string(coverage.with_inputs) + " of " +
           std::to_string(coverage.quantized) + " quantized layers";
  }
  if (coverage.without > 0)
    text += " (" + std::to_string(coverage.without) + " rounded to nearest)";
  if (files.holdout) {
    text += "; held out: " + file_text(*files.holdout) + ": " +
            std::to_string(coverage.with_holdout) + " layers";
  }
  return text;
}

}  // namespace lrq::host
