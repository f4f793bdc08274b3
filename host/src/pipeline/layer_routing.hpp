// Decides, per tensor, whether it is quantized and by which route, or kept, or removed, and why
// (docs/model-profiles.md):
//  1. the profile removes it: removed;
//  2. else the first override rule whose match is found in the layer name decides: skip keeps it,
//     otherwise it is quantized with the rule's format and optimizer, whatever the profile said;
//  3. else the profile's decision, with the recipe's format and optimizer;
// and whatever route quantizes, only 2-D float .weight tensors are quantized, the heuristics (when
// on) keep shapes that do not tile by their block, and the format must accept the shape.
#pragma once

#include <string>

#include "lrq/model_profile.hpp"
#include "pipeline/profile_selection.hpp"
#include "pipeline/quantization_routes.hpp"

namespace lrq::host {

struct LayerRoute {
  LayerAction action = LayerAction::keep;
  // What decided: "profile flux: high-precision list 'img_in'", "override[0] 'img_mlp'",
  // "heuristic: 100 rows < block 64", "format: ...".
  std::string reason;
  const QuantizationRoute* route = nullptr;  // quantized tensors only
};

LayerRoute route_layer(const TensorInfo& tensor, const ModelIndex& model,
                       const SelectedProfile& profile, const QuantizationRoutes& routes);

// The layer a weight belongs to: its key without ".weight" (the name override rules match).
std::string layer_name(const std::string& weight_key);

}  // namespace lrq::host
