// Internal to lrq_core: how error messages name things (tensors, keys, fields).
#pragma once

#include <string>
#include <string_view>

namespace lrq::detail {

inline std::string in_quotes(std::string_view text) {
  return "'" + std::string(text) + "'";
}

}  // namespace lrq::detail
