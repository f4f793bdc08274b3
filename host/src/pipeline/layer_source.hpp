// Where the conversion gets each quantized layer, in conversion order: converted on the calling
// thread with one backend (LayerConverter), or by workers on several (layer_workers.hpp).
#pragma once

#include <optional>
#include <vector>

#include "pipeline/calibration.hpp"
#include "pipeline/checkpoint.hpp"
#include "pipeline/conversion_plan.hpp"
#include "pipeline/converter.hpp"
#include "pipeline/first_failure.hpp"
#include "pipeline/layer_conversion.hpp"
#include "pipeline/weight_feed.hpp"

namespace lrq::host {

class LayerSource {
 public:
  virtual ~LayerSource() = default;
  // `layer` converted; it must be the next of the order the source was made with. Empty when the
  // run was stopped.
  virtual std::optional<ConvertedLayer> next(const TensorPlan& layer) = 0;
};

// Converts `layers`, in that order, on one backend with its own weight feed and calibration inputs.
class LayerConverter final : public LayerSource {
 public:
  LayerConverter(const Checkpoint& input, std::vector<const TensorPlan*> layers, Backend& backend,
                 const ConversionSettings& settings, FirstFailure& failure);

  std::optional<ConvertedLayer> next(const TensorPlan& layer) override;

 private:
  const Checkpoint& input_;
  Backend& backend_;
  const ConversionSettings& settings_;
  CalibrationInputs calibration_;
  WeightFeed weights_;
};

}  // namespace lrq::host
