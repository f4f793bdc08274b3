#include "pipeline/stored_layers.hpp"

#include <nlohmann/json.hpp>

#include "lrq/error.hpp"
#include "lrq/json_limits.hpp"
#include "lrq/quoted.hpp"
#include "pipeline/quantization_metadata.hpp"

namespace lrq::host {
namespace {

constexpr std::string_view kConfigSuffix = ".comfy_quant";
constexpr std::string_view kLayerTensors[] = {"weight", "weight_scale", "weight_scale_2",
                                              "input_scale"};

// The layer's config as written in its tensor, or why ComfyUI cannot read it.
std::optional<std::string> tensor_config(const Checkpoint& file, const SafetensorsEntry& entry,
                                         std::string& problem) {
  if (entry.info.dtype != DType::U8 || entry.info.shape.size() != 1) {
    problem = in_quotes(entry.info.name) + " is " +
              std::string(safetensors_name(entry.info.dtype)) + " " +
              shape_to_string(entry.info.shape) + ", ComfyUI needs a 1-D U8 tensor";
    return std::nullopt;
  }
  const TensorView view = file.view(entry);
  return std::string(reinterpret_cast<const char*>(view.bytes.data()), view.bytes.size());
}

bool same_json(const std::string& a, const std::string& b) {
  if (json_nests_too_deep(a) || json_nests_too_deep(b)) return a == b;
  const nlohmann::json left = nlohmann::json::parse(a, nullptr, false);
  const nlohmann::json right = nlohmann::json::parse(b, nullptr, false);
  return !left.is_discarded() && left == right;
}

StoredQuantizedLayer stored_layer(const Checkpoint& file, const std::string& prefix,
                                  const std::map<std::string, std::string>& metadata) {
  StoredQuantizedLayer stored;
  stored.layer.prefix = prefix;
  for (std::string_view suffix : kLayerTensors) {
    if (const SafetensorsEntry* part = file.find(prefix + "." + std::string(suffix))) {
      stored.layer.tensors.emplace(std::string(suffix), file.view(*part));
    }
  }
  std::optional<std::string> from_tensor;
  if (const SafetensorsEntry* entry = file.find(prefix + std::string(kConfigSuffix))) {
    from_tensor = tensor_config(file, *entry, stored.problem);
    stored.config_source = "tensor";
  }
  if (const auto listed = metadata.find(prefix); listed != metadata.end()) {
    const bool overrides = stored.config_source == "tensor" &&
                           !(from_tensor && same_json(*from_tensor, listed->second));
    stored.config_source = overrides ? "metadata, overriding the tensor" : "metadata";
    stored.problem.clear();
    from_tensor = listed->second;
  }
  if (!from_tensor) return stored;
  stored.layer.comfy_quant_json = *from_tensor;
  try {
    stored.config = ComfyQuantConfig::parse(*from_tensor, prefix + std::string(kConfigSuffix));
  } catch (const Error& error) {
    stored.problem = error.what();
  }
  return stored;
}

}  // namespace

std::vector<StoredQuantizedLayer> find_quantized_layers(const Checkpoint& file) {
  const std::map<std::string, std::string> metadata =
      read_quantization_metadata(file.metadata(), file.metadata_file());
  std::vector<std::string> prefixes;
  for (const SafetensorsEntry* entry : file.entries()) {
    const std::string& name = entry->info.name;
    if (name.ends_with(kConfigSuffix)) {
      prefixes.push_back(name.substr(0, name.size() - kConfigSuffix.size()));
    }
  }
  for (const auto& [prefix, config] : metadata) {
    if (file.find(prefix + std::string(kConfigSuffix)) == nullptr) prefixes.push_back(prefix);
  }
  std::vector<StoredQuantizedLayer> layers;
  for (const std::string& prefix : prefixes)
    layers.push_back(stored_layer(file, prefix, metadata));
  return layers;
}

}  // namespace lrq::host
