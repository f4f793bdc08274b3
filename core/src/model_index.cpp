#include "lrq/model_profile.hpp"

namespace lrq {

ModelIndex::ModelIndex(std::vector<TensorInfo> tensors) : tensors_(std::move(tensors)) {
  by_name_.reserve(tensors_.size());
  for (std::size_t i = 0; i < tensors_.size(); ++i)
    by_name_.emplace(tensors_[i].name, i);
}

const TensorInfo* ModelIndex::find(std::string_view name) const noexcept {
  auto found = by_name_.find(std::string(name));
  return found == by_name_.end() ? nullptr : &tensors_[found->second];
}

const char* action_name(LayerAction action) noexcept {
  switch (action) {
    case LayerAction::quantize:
      return "quantize";
    case LayerAction::keep:
      return "keep";
    case LayerAction::remove:
      return "remove";
  }
  return "keep";
}

}  // namespace lrq
