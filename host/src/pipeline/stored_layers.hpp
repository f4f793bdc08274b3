// The quantized layers of a safetensors file as ComfyUI sees them: every `<prefix>.comfy_quant`
// tensor and every `_quantization_metadata` entry (which ComfyUI applies over the tensor), with the
// tensors ComfyUI reads beside it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lrq/comfy_quant.hpp"
#include "lrq/format.hpp"
#include "pipeline/checkpoint.hpp"

namespace lrq::host {

struct StoredQuantizedLayer {
  StoredLayer layer;  // prefix, effective JSON, weight/weight_scale/input_scale
  std::optional<ComfyQuantConfig> config;  // empty when the JSON is invalid
  std::string problem;                     // why config is empty
  std::string config_source;  // "tensor", "metadata", or "metadata, overriding the tensor"
};

// Throws lrq::Error (input) when `_quantization_metadata` is malformed.
std::vector<StoredQuantizedLayer> find_quantized_layers(const Checkpoint& file);

}  // namespace lrq::host
