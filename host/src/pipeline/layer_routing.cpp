#include "pipeline/layer_routing.hpp"

#include <string_view>

#include "pipeline/heuristics.hpp"

namespace lrq::host {
namespace {

constexpr std::string_view kWeightSuffix = ".weight";

// Empty when the tensor can be quantized at all.
std::string candidate_refusal(const TensorInfo& tensor) {
  if (!tensor.name.ends_with(kWeightSuffix)) return "only .weight tensors are quantized";
  if (tensor.shape.size() != 2) {
    return "only 2-D weights are quantized, not " + shape_to_string(tensor.shape);
  }
  if (!is_quantizable_source(tensor.dtype)) {
    return "dtype " + std::string(safetensors_name(tensor.dtype)) + " is not a float";
  }
  return "";
}

// `decided_by` becomes the reason when the layer is quantized; a refusal's reason starts with
// `refusal_prefix`.
LayerRoute quantize_with(const TensorInfo& tensor, const QuantizationRoute& route,
                         std::int64_t heuristic_block, std::string decided_by,
                         const std::string& refusal_prefix) {
  std::string refusal = candidate_refusal(tensor);
  if (refusal.empty() && heuristic_block > 0) {
    refusal = heuristic_refusal(tensor.shape, heuristic_block);
  }
  if (refusal.empty()) {
    if (const Acceptance acceptance = route.format.object->accepts(tensor); !acceptance.accepted) {
      refusal = "format: " + acceptance.reason;
    }
  }
  if (!refusal.empty()) return {LayerAction::keep, refusal_prefix + refusal, nullptr};
  return {LayerAction::quantize, std::move(decided_by), &route};
}

const OverrideRoute* first_match(const std::string& key,
                                 const std::vector<OverrideRoute>& overrides) {
  if (!key.ends_with(kWeightSuffix)) return nullptr;
  const std::string layer = layer_name(key);
  for (const OverrideRoute& candidate : overrides) {
    if (candidate.rule.matches(layer)) return &candidate;
  }
  return nullptr;
}

}  // namespace

std::string layer_name(const std::string& weight_key) {
  return weight_key.substr(0, weight_key.size() - kWeightSuffix.size());
}

LayerRoute route_layer(const TensorInfo& tensor, const ModelIndex& model,
                       const SelectedProfile& profile, const QuantizationRoutes& routes) {
  const LayerDecision decision = profile.profile->classify(tensor, model);
  std::string by_profile = "profile " + profile.name + ": " + decision.reason;
  if (decision.action == LayerAction::remove) return {LayerAction::remove, by_profile, nullptr};
  if (const OverrideRoute* matched = first_match(tensor.name, routes.overrides)) {
    const std::string label = matched->rule.label();
    if (!matched->route) return {LayerAction::keep, label + ": skip", nullptr};
    return quantize_with(tensor, *matched->route, routes.heuristic_block, label, label + ": ");
  }
  if (decision.action == LayerAction::keep) return {LayerAction::keep, by_profile, nullptr};
  return quantize_with(tensor, *routes.primary, routes.heuristic_block, std::move(by_profile), "");
}

}  // namespace lrq::host
