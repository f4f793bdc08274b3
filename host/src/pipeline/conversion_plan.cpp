#include "pipeline/conversion_plan.hpp"

#include <algorithm>
#include <unordered_map>

#include "lrq/error.hpp"

namespace lrq::host {
namespace {

constexpr std::string_view kWeightSuffix = ".weight";

TensorPlan plan_tensor(const SafetensorsEntry& entry, const ModelIndex& model,
                       const ModelProfile& profile, const Format& format) {
  const TensorInfo& info = entry.info;
  LayerDecision decision = profile.classify(info, model);
  TensorPlan plan{&entry, decision.action, std::move(decision.reason), "", {}, ""};
  if (plan.action == LayerAction::remove) return plan;
  if (plan.action == LayerAction::quantize && !info.name.ends_with(kWeightSuffix)) {
    plan.action = LayerAction::keep;
    plan.reason = "only .weight tensors are quantized";
  }
  if (plan.action == LayerAction::quantize) {
    if (const Acceptance acceptance = format.accepts(info); !acceptance.accepted) {
      plan.action = LayerAction::keep;
      plan.reason = "format: " + acceptance.reason;
    }
  }
  if (plan.action == LayerAction::quantize) {
    plan.prefix = info.name.substr(0, info.name.size() - kWeightSuffix.size());
    LayerPlan layer = format.plan(plan.prefix, info);
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
        throw Error(ErrorCategory::input, "output tensor '" + output.name +
                                              "' would be written twice (by '" +
                                              existing->second->entry->info.name + "' and by '" +
                                              tensor.entry->info.name + "')");
      }
    }
  }
}

}  // namespace

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

ConversionPlan make_plan(const SafetensorsReader& input, const ModelProfile& profile,
                         const Format& format) {
  std::vector<TensorInfo> infos;
  for (const SafetensorsEntry& entry : input.entries())
    infos.push_back(entry.info);
  const ModelIndex model(std::move(infos));
  ConversionPlan plan;
  for (const SafetensorsEntry& entry : input.entries()) {
    plan.tensors.push_back(plan_tensor(entry, model, profile, format));
  }
  require_unique_names(plan);
  return plan;
}

}  // namespace lrq::host
