#include "pipeline/quantization_metadata.hpp"

#include <nlohmann/json.hpp>

#include "lrq/error.hpp"

namespace lrq::host {
namespace {

using Json = nlohmann::ordered_json;

const std::string* find_entry(const Metadata& metadata) {
  for (const auto& [key, value] : metadata) {
    if (key == kQuantizationMetadataKey) return &value;
  }
  return nullptr;
}

Json parse_entry(const std::string& text, const std::filesystem::path& file) {
  const auto fail = [&](const std::string& why) {
    return Error(ErrorCategory::input, file.string() + ": __metadata__ '" +
                                           std::string(kQuantizationMetadataKey) + "' " + why);
  };
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

Metadata output_metadata(const Metadata& input, const std::map<std::string, std::string>& written,
                         const std::filesystem::path& input_file) {
  Metadata output = input;
  for (auto& [key, value] : output) {
    if (key != kQuantizationMetadataKey) continue;
    Json entry = parse_entry(value, input_file);
    for (const auto& [prefix, config] : written)
      entry["layers"][prefix] = Json::parse(config);
    value = entry.dump();
  }
  return output;
}

}  // namespace lrq::host
