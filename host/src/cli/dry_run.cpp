#include "cli/dry_run.hpp"

#include <nlohmann/json.hpp>

#include "cli/text_table.hpp"

namespace lrq::host {
namespace {

struct ActionCounts {
  std::size_t quantize = 0;
  std::size_t keep = 0;
  std::size_t remove = 0;
};

ActionCounts count_actions(const ConversionPlan& plan) {
  ActionCounts counts;
  for (const TensorPlan& tensor : plan.tensors) {
    switch (tensor.action) {
      case LayerAction::quantize:
        ++counts.quantize;
        break;
      case LayerAction::keep:
        ++counts.keep;
        break;
      case LayerAction::remove:
        ++counts.remove;
        break;
    }
  }
  return counts;
}

std::string route_text(const TensorPlan& tensor) {
  if (tensor.route == nullptr) return "";
  return tensor.route->label();
}

}  // namespace

void print_dry_run(const std::filesystem::path& input, const SelectedProfile& profile,
                   const ConversionPlan& plan, std::ostream& out) {
  out << "input: " << printable(input.string()) << "\n\n";
  TextTable table({"action", "tensor", "shape", "dtype", "format / optimizer", "reason"});
  for (const TensorPlan& tensor : plan.tensors) {
    const TensorInfo& info = tensor.entry->info;
    table.add({action_name(tensor.action), printable(info.name), shape_to_string(info.shape),
               std::string(safetensors_name(info.dtype)), route_text(tensor),
               printable(tensor.reason)});
  }
  table.print(out);
  const ActionCounts counts = count_actions(plan);
  out << "\ndry run: " << plan.tensors.size() << " tensors: " << counts.quantize << " quantize, "
      << counts.keep << " keep, " << counts.remove << " remove (profile " << profile.name
      << "); nothing written\n";
}

void print_dry_run_json(const std::filesystem::path& input, const SelectedProfile& profile,
                        const ConversionPlan& plan, std::ostream& out) {
  using Json = nlohmann::ordered_json;
  Json json = {{"input", input.string()},
               {"profile",
                {{"name", profile.name},
                 {"score", profile.match.score},
                 {"reason", profile.match.reason},
                 {"auto", profile.automatic}}},
               {"tensors", Json::array()}};
  for (const TensorPlan& tensor : plan.tensors) {
    const TensorInfo& info = tensor.entry->info;
    Json entry = {{"name", info.name},
                  {"dtype", safetensors_name(info.dtype)},
                  {"shape", info.shape},
                  {"action", action_name(tensor.action)}};
    if (tensor.route != nullptr) {
      entry["format"] = tensor.route->format.name;
      entry["format_label"] = tensor.route->format.label;
      entry["optimizer"] = tensor.route->optimizer.name;
      entry["optimizer_label"] = tensor.route->optimizer.label;
    }
    entry["reason"] = tensor.reason;
    json["tensors"].push_back(std::move(entry));
  }
  const ActionCounts counts = count_actions(plan);
  json["counts"] = {
      {"quantize", counts.quantize}, {"keep", counts.keep}, {"remove", counts.remove}};
  out << json.dump(2) << '\n';
}

}  // namespace lrq::host
