#include "recipe/layer_pattern.hpp"

#include <re2/re2.h>

#include <stdexcept>
#include <string>

namespace lrq::host {

LayerPattern::LayerPattern(const std::string& text) {
  if (text.size() > kMaxLength) {
    throw std::invalid_argument("longer than " + std::to_string(kMaxLength) + " bytes");
  }
  RE2::Options options;
  // Bytes, as the names are: a name that is not UTF-8 still matches byte for byte.
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_log_errors(false);
  options.set_max_mem(kMemory);
  auto compiled = std::make_shared<const RE2>(text, options);
  if (!compiled->ok()) throw std::invalid_argument(compiled->error());
  compiled_ = std::move(compiled);
}

bool LayerPattern::found_in(std::string_view name) const {
  return compiled_ != nullptr && RE2::PartialMatch(name, *compiled_);
}

}  // namespace lrq::host
