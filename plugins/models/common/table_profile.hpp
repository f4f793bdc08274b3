// The model profile that a ProfileTable describes (docs/model-profiles.md).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lrq/plugin.hpp"
#include "profile_table.hpp"

namespace lrq::models {

class TableProfile final : public ModelProfile {
 public:
  TableProfile(const ProfileTable& table, bool apply_avoid_list);

  ProfileMatch detect(const ModelIndex& model) const override;
  // Removal first (any tensor), then only 2-D float `.weight` tensors outside every list are
  // quantized. Lists match as plain, case-sensitive substrings of the full key.
  LayerDecision classify(const TensorInfo& tensor, const ModelIndex& model) const override;

 private:
  struct NamedList {
    std::string label;  // "hunyuan exclude list"
    std::span<const std::string_view> names;
  };

  const ProfileTable& table_;
  std::vector<NamedList> keep_lists_;
};

// Registers the table's profile; the table must outlive the plugin library.
void register_table_profile(Registrar& registrar, const ProfileTable& table);

}  // namespace lrq::models

// The entry point of a plugin library whose one profile the ProfileTable expression TABLE
// describes.
#define LRQ_TABLE_PROFILE_PLUGIN(NAME, DESCRIPTION, TABLE)            \
  static void lrq_register_table_profile(lrq::Registrar& registrar) { \
    lrq::models::register_table_profile(registrar, TABLE);            \
  }                                                                   \
  LRQ_PLUGIN(NAME, "0.1.0", DESCRIPTION, lrq_register_table_profile)
