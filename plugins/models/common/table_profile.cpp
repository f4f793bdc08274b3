#include "table_profile.hpp"

#include <optional>

#include "avoid_list.hpp"

namespace lrq::models {
namespace {

std::optional<std::string_view> first_match(std::span<const std::string_view> names,
                                            const std::string& key) {
  for (std::string_view name : names) {
    if (key.find(name) != std::string::npos) return name;
  }
  return std::nullopt;
}

std::string list_reason(const std::string& label, std::string_view name) {
  return label + ": '" + std::string(name) + "'";
}

}  // namespace

TableProfile::TableProfile(const ProfileTable& table, bool apply_avoid_list) : table_(table) {
  const std::string name(table.name);
  keep_lists_.push_back({name + " exclude list", table.exclude});
  keep_lists_.push_back({name + " high-precision list", table.high_precision});
  if (apply_avoid_list) {
    keep_lists_.push_back({"generic avoid list", generic_avoid_list()});
  }
}

ProfileMatch TableProfile::detect(const ModelIndex& model) const {
  // Without a signature: as weak a claim as generic's, so `auto` never picks it and naming it
  // (also with `strict`) is accepted.
  if (!table_.detect) return {1, "no signature to detect it by; used when named"};
  return table_.detect(model);
}

LayerDecision TableProfile::classify(const TensorInfo& tensor, const ModelIndex&) const {
  if (const auto removed = first_match(table_.remove, tensor.name)) {
    return {LayerAction::remove, list_reason(std::string(table_.name) + " remove list", *removed)};
  }
  if (!tensor.name.ends_with(".weight")) return {LayerAction::keep, "not a .weight tensor"};
  if (tensor.shape.size() != 2) {
    return {LayerAction::keep, std::to_string(tensor.shape.size()) + "-D tensor"};
  }
  for (const NamedList& list : keep_lists_) {
    if (const auto kept = first_match(list.names, tensor.name)) {
      return {LayerAction::keep, list_reason(list.label, *kept)};
    }
  }
  if (!is_quantizable_source(tensor.dtype)) {
    return {LayerAction::keep, "dtype " + std::string(safetensors_name(tensor.dtype))};
  }
  return {LayerAction::quantize, "2-D weight"};
}

}  // namespace lrq::models
