// What detectors look for in a model's keys. A checkpoint may put a prefix before every key
// (ComfyUI's `model.diffusion_model.`), so a detector finds one anchor key and looks the rest of
// the structure up under the same prefix.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "profile_table.hpp"

namespace lrq::models {

class PrefixedKeys {
 public:
  // The keys under whatever precedes `anchor` in the first key that ends with it (at a dot).
  static std::optional<PrefixedKeys> around(const ModelIndex& model, std::string_view anchor);

  const TensorInfo* find(std::string_view key) const;
  std::optional<std::string_view> first_missing(std::span<const std::string_view> keys) const;
  // How many distinct N there are in keys that start with `<container>N.`.
  std::size_t count_indexed(std::string_view container) const;

 private:
  PrefixedKeys(const ModelIndex& model, std::string prefix);

  const ModelIndex* model_;
  std::string prefix_;
};

bool any_key_contains(const ModelIndex& model, std::string_view text);

// What a detector says about a model that has the whole key structure it looks for.
struct Identification {
  std::size_t extra_checks = 0;  // further checks that passed
  std::string reason;
};

// Recognises a model by its key structure: `structure[0]` fixes the prefix, and every other key
// must be there under the same prefix. The score is 0, naming the first key missing, or else
// 1 + the structure's size + the extra checks: every match outranks generic's 1, and a profile
// that confirms more of a model outranks one that confirms less.
ProfileMatch detect_structure(const ModelIndex& model, std::span<const std::string_view> structure,
                              const std::function<Identification(const PrefixedKeys&)>& identify);

// Recognises `model_name` when every marker occurs in some key; scored as above.
Detector key_markers(std::string_view model_name, KeyNames markers);

}  // namespace lrq::models
