// What happens to every tensor of the input, decided before anything is written: the model profile
// proposes, the format accepts or refuses the shape, and the output tensors are fixed.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "lrq/format.hpp"
#include "lrq/model_profile.hpp"
#include "lrq/safetensors.hpp"

namespace lrq::host {

struct TensorPlan {
  const SafetensorsEntry* entry = nullptr;
  LayerAction action = LayerAction::keep;
  std::string reason;
  std::string prefix;               // the layer prefix, for quantized weights
  std::vector<TensorInfo> outputs;  // in file order; empty when removed
  std::string comfy_quant_json;     // for quantized weights
  // A quantized weight whose bias is corrected: that bias. A corrected bias: its weight.
  const SafetensorsEntry* partner = nullptr;
};

struct ConversionPlan {
  std::vector<TensorPlan> tensors;  // in input file order

  std::vector<TensorInfo> outputs() const;
  // The plan of the tensor named `name`, which must exist.
  const TensorPlan& of(const std::string& name) const;
  // Layer prefix -> .comfy_quant JSON of every layer to be quantized.
  std::map<std::string, std::string> quantized_layers() const;
};

// With `bias_correction`, every quantized layer's float bias [rows] that is kept is paired with it
// to be corrected. Throws lrq::Error (input) when two planned tensors would share a name.
ConversionPlan make_plan(const SafetensorsReader& input, const ModelProfile& profile,
                         const Format& format, bool bias_correction);

}  // namespace lrq::host
