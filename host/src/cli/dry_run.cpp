#include "cli/dry_run.hpp"

#include "cli/text_table.hpp"
#include "lrq/quoted.hpp"
#include "pipeline/json_document.hpp"

namespace lrq::host {
namespace {

ActionCounts count_actions(const ConversionPlan& plan) {
  ActionCounts counts;
  for (const TensorPlan& tensor : plan.tensors)
    counts.add(tensor.action);
  return counts;
}

std::string route_text(const TensorPlan& tensor) {
  if (tensor.route == nullptr) return "";
  return tensor.route->label();
}

}  // namespace

void print_dry_run(const std::filesystem::path& input, const SelectedProfile& profile,
                   const ConversionPlan& plan, std::ostream& out) {
  out << "input: " << escaped(input.string()) << "\n\n";
  TextTable table({"action", "tensor", "shape", "dtype", "format / optimizer", "reason"});
  for (const TensorPlan& tensor : plan.tensors) {
    const TensorInfo& info = tensor.entry->info;
    table.add({action_name(tensor.action), escaped(info.name), shape_to_string(info.shape),
               std::string(safetensors_name(info.dtype)), route_text(tensor),
               escaped(tensor.reason)});
  }
  table.print(out);
  const ActionCounts counts = count_actions(plan);
  out << "\ndry run: " << plan.tensors.size() << " tensors: " << counts.quantize() << " quantize, "
      << counts.keep() << " keep, " << counts.remove() << " remove (profile " << profile.name
      << "); nothing written\n";
}

void print_dry_run_json(const RunSubject& subject, const ConversionPlan& plan, std::ostream& out) {
  Json json = json_document("plan");
  json.update(run_subject_json(subject));
  json["tensors"] = Json::array();
  for (const TensorPlan& tensor : plan.tensors) {
    Json entry = tensor_json(tensor.entry->info);
    entry["action"] = action_name(tensor.action);
    if (tensor.route != nullptr) {
      entry["format"] = tensor.route->format.name;
      entry["format_label"] = tensor.route->format.label;
      entry["comfy_format"] = tensor.route->format.object->comfy_format();
      entry["optimizer"] = tensor.route->optimizer.name;
      entry["optimizer_label"] = tensor.route->optimizer.label;
    }
    entry["reason"] = tensor.reason;
    json["tensors"].push_back(std::move(entry));
  }
  json["counts"] = count_actions(plan).json();
  out << json_text(json) << '\n';
}

}  // namespace lrq::host
