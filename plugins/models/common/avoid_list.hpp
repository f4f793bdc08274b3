// The reference tool's generic avoid list (AVOID_KEY_NAMES, docs/model-profiles.md):
// names of layers never worth quantizing (norms, biases, embeddings, ...), matched as substrings
// of the full key.
#pragma once

#include <span>
#include <string_view>

namespace lrq::models {

std::span<const std::string_view> generic_avoid_list() noexcept;

}  // namespace lrq::models
