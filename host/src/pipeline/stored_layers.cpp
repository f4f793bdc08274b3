#include "pipeline/stored_layers.hpp"

#include "lrq/error.hpp"

namespace lrq::host {
namespace {

constexpr std::string_view kConfigSuffix = ".comfy_quant";
constexpr std::string_view kLayerTensors[] = {"weight", "weight_scale", "input_scale"};

}  // namespace

std::vector<StoredQuantizedLayer> find_quantized_layers(const SafetensorsReader& file) {
  std::vector<StoredQuantizedLayer> layers;
  for (const SafetensorsEntry& entry : file.entries()) {
    if (!entry.info.name.ends_with(kConfigSuffix)) continue;
    StoredQuantizedLayer stored;
    stored.layer.prefix = entry.info.name.substr(0, entry.info.name.size() - kConfigSuffix.size());
    const TensorView view = file.view(entry);
    stored.layer.comfy_quant_json.assign(reinterpret_cast<const char*>(view.bytes.data()),
                                         view.bytes.size());
    for (std::string_view suffix : kLayerTensors) {
      if (const SafetensorsEntry* part =
              file.find(stored.layer.prefix + "." + std::string(suffix))) {
        stored.layer.tensors.emplace(std::string(suffix), file.view(*part));
      }
    }
    if (entry.info.dtype != DType::U8 || entry.info.shape.size() != 1) {
      stored.problem = "'" + entry.info.name + "' is " +
                       std::string(safetensors_name(entry.info.dtype)) + " " +
                       shape_to_string(entry.info.shape) + ", ComfyUI needs a 1-D U8 tensor";
    } else {
      try {
        stored.config = ComfyQuantConfig::parse(stored.layer.comfy_quant_json, entry.info.name);
      } catch (const Error& error) {
        stored.problem = error.what();
      }
    }
    layers.push_back(std::move(stored));
  }
  return layers;
}

}  // namespace lrq::host
