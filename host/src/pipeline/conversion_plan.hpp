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
};

struct ConversionPlan {
  std::vector<TensorPlan> tensors;  // in input file order

  std::vector<TensorInfo> outputs() const;
  // Layer prefix -> .comfy_quant JSON of every layer to be quantized.
  std::map<std::string, std::string> quantized_layers() const;
};

// Throws lrq::Error (input) when two planned tensors would share a name.
ConversionPlan make_plan(const SafetensorsReader& input, const ModelProfile& profile,
                         const Format& format);

}  // namespace lrq::host
