// What happens to every tensor of the input, decided before anything is written: the model profile
// proposes, override rules and heuristics decide (layer_routing.hpp), the format accepts or refuses
// the shape, and the output tensors are fixed.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "lrq/model_profile.hpp"
#include "pipeline/checkpoint.hpp"
#include "pipeline/layer_routing.hpp"
#include "pipeline/layer_statistics.hpp"

namespace lrq::host {

struct TensorPlan {
  const SafetensorsEntry* entry = nullptr;
  LayerAction action = LayerAction::keep;
  std::string reason;                        // what decided (LayerRoute::reason)
  const QuantizationRoute* route = nullptr;  // the format and optimizer of a quantized weight
  std::string prefix;                        // the layer prefix, for quantized weights
  std::vector<TensorInfo> outputs;           // in file order; empty when removed
  std::string comfy_quant_json;              // for quantized weights
  // A quantized weight whose bias is corrected: that bias. A corrected bias: its weight.
  const SafetensorsEntry* partner = nullptr;
  // A quantized weight's activation statistics (calibration.stats) and those of held-out inputs
  // (calibration.holdout), where the files have them (calibration_plan.hpp).
  StatisticsSource inputs;
  StatisticsSource holdout;
  // Rounded to nearest for want of statistics (calibration.missing: rtn).
  bool without_statistics = false;
};

struct ConversionPlan {
  std::vector<TensorPlan> tensors;  // in input file order

  std::vector<TensorInfo> outputs() const;
  // The plan of the tensor named `name`, which must exist.
  const TensorPlan& of(const std::string& name) const;
  // Layer prefix -> .comfy_quant JSON of every layer to be quantized.
  std::map<std::string, std::string> quantized_layers() const;
};

// Every tensor of the input, in file order, with lookup by name.
ModelIndex model_index(const Checkpoint& input);

// With `bias_correction`, every quantized layer's float bias [rows] that is kept is paired with it
// to be corrected, whatever its route. Throws lrq::Error (input) when two planned tensors would
// share a name. The plan points into `routes`.
ConversionPlan make_plan(const Checkpoint& input, const SelectedProfile& profile,
                         const QuantizationRoutes& routes, bool bias_correction);

}  // namespace lrq::host
