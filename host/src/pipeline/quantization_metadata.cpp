#include "pipeline/quantization_metadata.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "lrq/error.hpp"
#include "lrq/json_limits.hpp"
#include "lrq/quoted.hpp"
#include "recipe/suggest.hpp"

namespace lrq::host {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kWeight = ".weight";

const std::string* find_entry(const Metadata& metadata) {
  for (const auto& [key, value] : metadata) {
    if (key == kQuantizationMetadataKey) return &value;
  }
  return nullptr;
}

Json parse_entry(const std::string& text, const std::filesystem::path& file) {
  const auto fail = [&](const std::string& why) {
    return Error(ErrorCategory::input, file.string() + ": __metadata__ " +
                                           in_quotes(kQuantizationMetadataKey) + " " + why);
  };
  if (json_nests_too_deep(text)) {
    throw fail("nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  Json entry;
  try {
    entry = Json::parse(text);
  } catch (const Json::exception&) {
    throw fail("is not valid JSON");
  }
  if (!entry.is_object()) throw fail("is not a JSON object");
  const auto layers = entry.find("layers");
  if (layers == entry.end() || !layers->is_object()) {
    throw fail("has no object \"layers\" (ComfyUI cannot load it)");
  }
  return entry;
}

}  // namespace

std::map<std::string, std::string> read_quantization_metadata(const Metadata& metadata,
                                                              const std::filesystem::path& file) {
  std::map<std::string, std::string> layers;
  const std::string* entry = find_entry(metadata);
  if (entry == nullptr) return layers;
  const Json parsed = parse_entry(*entry, file);
  for (const auto& [prefix, config] : parsed["layers"].items())
    layers.emplace(prefix, config.dump());
  return layers;
}

OutputMetadata output_metadata(const Metadata& input,
                               const std::map<std::string, std::string>& written,
                               const std::vector<TensorInfo>& outputs,
                               const std::filesystem::path& input_file) {
  std::set<std::string> stored_quantized;
  for (const TensorInfo& tensor : outputs) {
    if (tensor.name.ends_with(kWeight) && !is_quantizable_source(tensor.dtype)) {
      stored_quantized.insert(tensor.name.substr(0, tensor.name.size() - kWeight.size()));
    }
  }
  OutputMetadata output{input, {}};
  for (auto& [key, value] : output.metadata) {
    if (key != kQuantizationMetadataKey) continue;
    Json entry = parse_entry(value, input_file);
    Json& layers = entry["layers"];
    for (auto layer = layers.begin(); layer != layers.end();) {
      if (written.contains(layer.key()) || stored_quantized.contains(layer.key())) {
        ++layer;
      } else {
        output.dropped.push_back(layer.key());
        layer = layers.erase(layer);
      }
    }
    for (const auto& [prefix, config] : written)
      layers[prefix] = Json::parse(config);
    value = entry.dump();
  }
  return output;
}

std::string dropped_entries_warning(const std::vector<std::string>& prefixes) {
  std::vector<std::string> names;
  for (const std::string& prefix : prefixes)
    names.push_back(in_quotes(prefix));
  return "the input's __metadata__ " + in_quotes(kQuantizationMetadataKey) + " has entries " +
         "for " + std::to_string(prefixes.size()) +
         " layers that the output does not store quantized: " + join_first(names, 5) +
         "; left out (ComfyUI applies every entry and would refuse the file)";
}

}  // namespace lrq::host
