// A model profile decides, per tensor, whether it is quantized, kept as it is, or removed.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lrq/factory.hpp"
#include "lrq/tensor.hpp"

namespace lrq {

// Every tensor of the input, in file order, with lookup by name.
class ModelIndex {
 public:
  explicit ModelIndex(std::vector<TensorInfo> tensors);
  const std::vector<TensorInfo>& tensors() const noexcept { return tensors_; }
  const TensorInfo* find(std::string_view name) const noexcept;

 private:
  std::vector<TensorInfo> tensors_;
  std::unordered_map<std::string, std::size_t> by_name_;
};

enum class LayerAction {
  quantize,  // a candidate: quantized if the format accepts its shape
  keep,      // copied through unchanged
  remove,    // left out of the output
};

struct LayerDecision {
  LayerAction action = LayerAction::keep;
  std::string reason;  // printed by dry runs and summaries
};

const char* action_name(LayerAction action) noexcept;

// How well a profile recognises a model, and why: `lrq-host run` prints the reason of the profile
// it picks.
struct ProfileMatch {
  int score = 0;  // 0: not this model; higher: more confident
  std::string reason;
};

class ModelProfile {
 public:
  virtual ~ModelProfile() = default;
  virtual ProfileMatch detect(const ModelIndex& model) const = 0;
  virtual LayerDecision classify(const TensorInfo& tensor, const ModelIndex& model) const = 0;
};

class ModelProfileFactory : public Factory<ModelProfile> {};

}  // namespace lrq
