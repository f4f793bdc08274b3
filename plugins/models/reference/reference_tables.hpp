// The reference tool's other model profiles (MODEL_FILTERS, docs/model-profiles.md),
// one plugin each; t5xxl and hunyuan have their own plugins.
#pragma once

#include <string_view>

#include "profile_table.hpp"

namespace lrq::models {

// Throws lrq::Error for a name the reference does not have.
const ProfileTable& reference_table(std::string_view name);

}  // namespace lrq::models
