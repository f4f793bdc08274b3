#include "model_signature.hpp"

#include <charconv>
#include <set>
#include <utility>

namespace lrq::models {

PrefixedKeys::PrefixedKeys(const ModelIndex& model, std::string prefix)
    : model_(&model), prefix_(std::move(prefix)) {}

std::optional<PrefixedKeys> PrefixedKeys::around(const ModelIndex& model, std::string_view anchor) {
  for (const TensorInfo& tensor : model.tensors()) {
    const std::string_view key = tensor.name;
    if (!key.ends_with(anchor)) continue;
    const std::string_view prefix = key.substr(0, key.size() - anchor.size());
    if (prefix.empty() || prefix.ends_with('.')) return PrefixedKeys(model, std::string(prefix));
  }
  return std::nullopt;
}

const TensorInfo* PrefixedKeys::find(std::string_view key) const {
  return model_->find(prefix_ + std::string(key));
}

std::optional<std::string_view> PrefixedKeys::first_missing(
    std::span<const std::string_view> keys) const {
  for (std::string_view key : keys) {
    if (!find(key)) return key;
  }
  return std::nullopt;
}

std::size_t PrefixedKeys::count_indexed(std::string_view container) const {
  const std::string start = prefix_ + std::string(container);
  std::set<std::size_t> indices;
  for (const TensorInfo& tensor : model_->tensors()) {
    if (!tensor.name.starts_with(start)) continue;
    const char* first = tensor.name.data() + start.size();
    const char* last = tensor.name.data() + tensor.name.size();
    std::size_t index = 0;
    const auto [end, error] = std::from_chars(first, last, index);
    if (error == std::errc() && end != first && end != last && *end == '.') indices.insert(index);
  }
  return indices.size();
}

bool any_key_contains(const ModelIndex& model, std::string_view text) {
  for (const TensorInfo& tensor : model.tensors()) {
    if (tensor.name.find(text) != std::string::npos) return true;
  }
  return false;
}

ProfileMatch detect_structure(const ModelIndex& model, std::span<const std::string_view> structure,
                              const std::function<Identification(const PrefixedKeys&)>& identify) {
  const auto keys = PrefixedKeys::around(model, structure.front());
  const auto missing = keys ? keys->first_missing(structure.subspan(1)) : structure.front();
  if (missing) return {0, "no '" + std::string(*missing) + "' key"};
  Identification identified = identify(*keys);
  return {static_cast<int>(1 + structure.size() + identified.extra_checks),
          std::move(identified.reason)};
}

Detector key_markers(std::string_view model_name, KeyNames markers) {
  return [model_name, markers = std::move(markers)](const ModelIndex& model) {
    std::string found;
    for (std::string_view marker : markers) {
      if (!any_key_contains(model, marker)) {
        return ProfileMatch{0, "no key contains '" + std::string(marker) + "'"};
      }
      found += (found.empty() ? "keys with '" : ", '") + std::string(marker) + "'";
    }
    return ProfileMatch{static_cast<int>(1 + markers.size()),
                        found + ": " + std::string(model_name)};
  };
}

}  // namespace lrq::models
