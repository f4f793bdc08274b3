#include "report/layer_key.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace lrq::host {
namespace {

constexpr std::string_view kWeightSuffix = ".weight";

bool is_number(std::string_view part) {
  return !part.empty() && part.size() <= 18 && std::all_of(part.begin(), part.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

}  // namespace

LayerKey layer_key(std::string_view weight_name) {
  std::string_view name = weight_name;
  if (name.size() > kWeightSuffix.size() && name.ends_with(kWeightSuffix)) {
    name.remove_suffix(kWeightSuffix.size());
  }
  // The first numbered part between two others: "blocks.3.attn" -> "blocks" + "3" + "attn"; a
  // numbered last part is an index into a sequence ("adaLN_modulation.1"), not a block.
  std::size_t start = name.find('.');
  while (start != std::string_view::npos) {
    const std::size_t end = std::min(name.find('.', start + 1), name.size());
    const std::string_view part = name.substr(start + 1, end - start - 1);
    if (is_number(part) && end < name.size()) {
      LayerKey key;
      key.block = std::string(name.substr(0, end));
      key.family = std::string(name.substr(0, start));
      std::from_chars(part.data(), part.data() + part.size(), key.number);
      key.type = std::string(name.substr(end + 1));
      return key;
    }
    start = end < name.size() ? end : std::string_view::npos;
  }
  return {std::string(kOtherBlock), std::string(kOtherBlock), 0, std::string(name)};
}

}  // namespace lrq::host
