// The quantized layers of a safetensors file: every `<prefix>.comfy_quant` with the tensors
// ComfyUI reads beside it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lrq/comfy_quant.hpp"
#include "lrq/format.hpp"
#include "lrq/safetensors.hpp"

namespace lrq::host {

struct StoredQuantizedLayer {
  StoredLayer layer;                       // prefix, JSON text, weight/weight_scale/input_scale
  std::optional<ComfyQuantConfig> config;  // empty when the JSON is invalid
  std::string problem;                     // why config is empty
};

std::vector<StoredQuantizedLayer> find_quantized_layers(const SafetensorsReader& file);

}  // namespace lrq::host
