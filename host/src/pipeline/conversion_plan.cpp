#include "pipeline/conversion_plan.hpp"

#include <algorithm>
#include <unordered_map>

#include "lrq/error.hpp"
#include "lrq/quoted.hpp"

namespace lrq::host {
namespace {

TensorPlan plan_tensor(const SafetensorsEntry& entry, const ModelIndex& model,
                       const SelectedProfile& profile, const QuantizationRoutes& routes) {
  const TensorInfo& info = entry.info;
  LayerRoute route = route_layer(info, model, profile, routes);
  TensorPlan plan;
  plan.entry = &entry;
  plan.action = route.action;
  plan.reason = std::move(route.reason);
  plan.route = route.route;
  if (plan.action == LayerAction::remove) return plan;
  if (plan.action == LayerAction::quantize) {
    plan.prefix = layer_name(info.name);
    LayerPlan layer = route.route->format.object->plan(plan.prefix, info);
    plan.outputs = std::move(layer.tensors);
    plan.comfy_quant_json = std::move(layer.comfy_quant_json);
  } else {
    plan.outputs = {info};
  }
  return plan;
}

void require_unique_names(const ConversionPlan& plan) {
  std::unordered_map<std::string, const TensorPlan*> writer_of;
  for (const TensorPlan& tensor : plan.tensors) {
    for (const TensorInfo& output : tensor.outputs) {
      const auto [existing, inserted] = writer_of.emplace(output.name, &tensor);
      if (!inserted) {
        throw Error(ErrorCategory::input,
                    "output tensor " + in_quotes(output.name) + " would be written twice (by " +
                        in_quotes(existing->second->entry->info.name) + " and by " +
                        in_quotes(tensor.entry->info.name) + ")");
      }
    }
  }
}

bool correctable_bias(const TensorInfo& bias, const TensorInfo& weight) {
  const bool float_dtype =
      bias.dtype == DType::F32 || bias.dtype == DType::F16 || bias.dtype == DType::BF16;
  return float_dtype && bias.shape == Shape{weight.shape[0]};
}

void pair_biases(ConversionPlan& plan) {
  std::unordered_map<std::string, TensorPlan*> by_name;
  for (TensorPlan& tensor : plan.tensors)
    by_name.emplace(tensor.entry->info.name, &tensor);
  for (TensorPlan& weight : plan.tensors) {
    if (weight.action != LayerAction::quantize) continue;
    const auto found = by_name.find(weight.prefix + ".bias");
    if (found == by_name.end()) continue;
    TensorPlan& bias = *found->second;
    if (bias.action != LayerAction::keep ||
        !correctable_bias(bias.entry->info, weight.entry->info)) {
      continue;
    }
    weight.partner = bias.entry;
    bias.partner = weight.entry;
    bias.reason = "bias of a quantized layer, corrected";
  }
}

}  // namespace

const TensorPlan& ConversionPlan::of(const std::string& name) const {
  for (const TensorPlan& tensor : tensors) {
    if (tensor.entry->info.name == name) return tensor;
  }
  throw Error(ErrorCategory::internal, "no plan for tensor " + in_quotes(name));
}

std::vector<TensorInfo> ConversionPlan::outputs() const {
  std::vector<TensorInfo> all;
  for (const TensorPlan& tensor : tensors) {
    all.insert(all.end(), tensor.outputs.begin(), tensor.outputs.end());
  }
  return all;
}

std::map<std::string, std::string> ConversionPlan::quantized_layers() const {
  std::map<std::string, std::string> layers;
  for (const TensorPlan& tensor : tensors) {
    if (tensor.action == LayerAction::quantize)
      layers.emplace(tensor.prefix, tensor.comfy_quant_json);
  }
  return layers;
}

ModelIndex model_index(const Checkpoint& input) {
  std::vector<TensorInfo> infos;
  for (const SafetensorsEntry* entry : input.entries())
    infos.push_back(entry->info);
  return ModelIndex(std::move(infos));
}

ConversionPlan make_plan(const Checkpoint& input, const SelectedProfile& profile,
                         const QuantizationRoutes& routes, bool bias_correction) {
  const ModelIndex model = model_index(input);
  ConversionPlan plan;
  for (const SafetensorsEntry* entry : input.entries()) {
    plan.tensors.push_back(plan_tensor(*entry, model, profile, routes));
  }
  require_unique_names(plan);
  if (bias_correction) pair_biases(plan);
  return plan;
}

}  // namespace lrq::host
