// One quantized layer, start to finish: scales, rounding, encoding, the corrected bias, and the
// errors the report shows.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pipeline/calibration.hpp"
#include "pipeline/checkpoint.hpp"
#include "pipeline/converter.hpp"
#include "pipeline/weight_feed.hpp"

namespace lrq::host {

struct ConvertedLayer {
  LayerOutcome outcome;
  // Every tensor the layer writes (its planned outputs and, when corrected, its bias), by name.
  std::map<std::string, std::vector<std::byte>> tensors;
};

// `fed`: the weight as uploaded, in the input's dtype, and its statistics. The weight's plan gives
// its format and optimizer.
ConvertedLayer convert_layer(const Checkpoint& input, const TensorPlan& weight, FedWeight fed,
                             Backend& backend, const ConversionSettings& settings,
                             CalibrationInputs& calibration);

}  // namespace lrq::host
