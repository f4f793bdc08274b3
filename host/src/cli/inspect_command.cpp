// lrq-host inspect FILE: the tensors of a safetensors file (or of a sharded checkpoint) and its
// quantized layers.
#include <nlohmann/json.hpp>

#include "cli/command_line.hpp"
#include "cli/provenance_view.hpp"
#include "cli/text_table.hpp"
#include "lrq/error.hpp"
#include "lrq/quoted.hpp"
#include "pipeline/json_document.hpp"
#include "pipeline/provenance.hpp"
#include "pipeline/stored_layers.hpp"

namespace lrq::host {
namespace {

constexpr const char* kExtendedFormatsNote =
    "note: int8_blockwise, float8_e4m3fn_rowwise and float8_e4m3fn_blockwise are not in stock "
    "ComfyUI's format table; they load only in ComfyUI builds with block-wise support (ComfyUI PR "
    "#10864 or the ComfyUI-QuantOps node).";
constexpr const char* kBlackwellFormatsNote =
    "note: mxfp8 and nvfp4 load in stock ComfyUI (mxfp8 when its comfy-kitchen provides the MXFP8 "
    "layout); their fast matmuls need a Blackwell-class GPU, elsewhere ComfyUI dequantizes them.";

bool needs_blackwell_for_speed(const std::string& comfy_format) {
  return comfy_format == "mxfp8" || comfy_format == "nvfp4";
}

std::string describe_part(const StoredLayer& layer, const std::string& suffix) {
  const auto found = layer.tensors.find(suffix);
  if (found == layer.tensors.end()) return "-";
  return std::string(safetensors_name(found->second.dtype)) + " " +
         shape_to_string(found->second.shape);
}

nlohmann::ordered_json part_json(const StoredLayer& layer, const std::string& suffix) {
  const auto found = layer.tensors.find(suffix);
  if (found == layer.tensors.end()) return nullptr;
  return {{"dtype", safetensors_name(found->second.dtype)}, {"shape", found->second.shape}};
}

void print_json(const Checkpoint& file, const std::vector<StoredQuantizedLayer>& layers,
                std::ostream& out) {
  Json json = json_document("inspect");
  json["file"] = file.path().string();
  json["bytes"] = file.file_size();
  json["shards"] = Json::array();
  for (const SafetensorsReader& shard : file.shards())
    json["shards"].push_back(shard.path().string());
  json["metadata"] = Json::object();
  for (const auto& [key, value] : file.metadata())
    json["metadata"][key] = value;
  json["provenance"] = provenance_json(file.metadata());
  json["tensors"] = Json::array();
  for (const SafetensorsEntry* entry : file.entries())
    json["tensors"].push_back(tensor_json(entry->info));
  json["quantized_layers"] = nlohmann::ordered_json::array();
  for (const StoredQuantizedLayer& stored : layers) {
    nlohmann::ordered_json layer = {{"prefix", stored.layer.prefix}};
    layer["config_source"] = stored.config_source;
    if (stored.config) {
      layer["comfy_format"] = stored.config->format;
      layer["comfy_quant"] = nlohmann::ordered_json::parse(stored.layer.comfy_quant_json);
      layer["stock_comfyui"] = loads_in_stock_comfyui(stored.config->format);
      layer["comfyui_builds"] = comfyui_builds(stored.config->format);
    } else {
      layer["problem"] = stored.problem;
    }
    for (const std::string suffix : {"weight", "weight_scale", "weight_scale_2", "input_scale"}) {
      layer[suffix] = part_json(stored.layer, suffix);
    }
    json["quantized_layers"].push_back(std::move(layer));
  }
  out << json_text(json) << '\n';
}

void print_text(const Checkpoint& file, const std::vector<StoredQuantizedLayer>& layers,
                std::ostream& out) {
  out << escaped(file.path().string()) << ": " << format_bytes(file.file_size());
  if (file.shards().size() > 1) out << " in " << file.shards().size() << " shards";
  out << ", " << file.entries().size() << " tensors\n";
  print_provenance(file.metadata(), out);
  for (const auto& [key, value] : file.metadata()) {
    if (is_provenance_key(key)) continue;
    const std::string shown = value.size() > 80 ? value.substr(0, 77) + "..." : value;
    out << "metadata " << escaped(key) << " = " << escaped(shown) << '\n';
  }
  TextTable tensors({"tensor", "dtype", "shape"});
  for (const SafetensorsEntry* entry : file.entries()) {
    tensors.add({entry->info.name, std::string(safetensors_name(entry->info.dtype)),
                 shape_to_string(entry->info.shape)});
  }
  out << '\n';
  tensors.print(out);
  if (layers.empty()) {
    out << "\nno quantized layers (no .comfy_quant tensors)\n";
    return;
  }
  TextTable quantized({"layer", "format", "weight", "weight_scale", "input_scale", "ComfyUI builds",
                       "config from"});
  bool any_extended = false;
  bool any_blackwell = false;
  for (const StoredQuantizedLayer& stored : layers) {
    const bool stock = stored.config && loads_in_stock_comfyui(stored.config->format);
    any_extended = any_extended || (stored.config && !stock);
    any_blackwell =
        any_blackwell || (stored.config && needs_blackwell_for_speed(stored.config->format));
    quantized.add(
        {stored.layer.prefix, stored.config ? stored.config->format : "invalid: " + stored.problem,
         describe_part(stored.layer, "weight"), describe_part(stored.layer, "weight_scale"),
         describe_part(stored.layer, "input_scale"),
         stored.config ? std::string(comfyui_builds(stored.config->format)) : "-",
         stored.config_source});
  }
  out << '\n' << layers.size() << " quantized layers:\n";
  quantized.print(out);
  if (any_extended) out << '\n' << kExtendedFormatsNote << '\n';
  if (any_blackwell) out << '\n' << kBlackwellFormatsNote << '\n';
}

}  // namespace

int inspect_command(const Arguments& arguments, std::ostream& out) {
  po::options_description options("inspect options");
  options.add_options()("file", po::value<std::string>()->required(),
                        "a safetensors file, a shard index or a directory of shards")(
      "json", po::bool_switch(), "print JSON instead of tables");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map values;
  if (!parse_arguments(arguments, "lrq-host inspect FILE [--json]", options, positional, values,
                       out)) {
    return 0;
  }
  const Checkpoint file(values["file"].as<std::string>());
  const std::vector<StoredQuantizedLayer> layers = find_quantized_layers(file);
  if (values["json"].as<bool>()) {
    print_json(file, layers, out);
  } else {
    print_text(file, layers, out);
  }
  for (const StoredQuantizedLayer& stored : layers) {
    if (!stored.config)
      throw Error(ErrorCategory::input, file.path().string() + ": " + stored.problem);
  }
  return 0;
}

}  // namespace lrq::host
