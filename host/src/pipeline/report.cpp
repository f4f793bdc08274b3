#include "pipeline/report.hpp"

#include <cmath>

#include "pipeline/json_file.hpp"
#include "profile/profile_json.hpp"

namespace lrq::host {
namespace {

using Json = nlohmann::ordered_json;

Json number_or_null(double value) {
  return std::isnan(value) ? Json(nullptr) : Json(value);
}

Json errors_json(const LayerErrors& errors) {
  return {{"weight_error", number_or_null(errors.weight)},
          {"projected_error", number_or_null(errors.projected)},
          {"output_error", number_or_null(errors.output)}};
}

Json layer_json(const LayerOutcome& layer) {
  Json json = {{"name", layer.tensor.name},
               {"shape", layer.tensor.shape},
               {"dtype", safetensors_name(layer.tensor.dtype)},
               {"action", action_name(layer.action)},
               {"reason", layer.reason}};
  if (layer.action != LayerAction::quantize) return json;
  json["format"] = layer.comfy_format;
  json["format_label"] = layer.format_label;
  json["optimizer"] = layer.optimizer;
  json["optimizer_label"] = layer.optimizer_label;
  json["scale"] = layer.scale_layout;
  json["k"] = layer.rank;
  json["iterations"] = layer.iterations;
  json["stop_reason"] = layer.stop_reason;
  json["seconds"] = layer.seconds;
  json["bias_corrected"] = layer.bias_corrected;
  json["rtn"] = errors_json(layer.rtn);
  json["result"] = errors_json(layer.result);
  return json;
}

}  // namespace

std::filesystem::path report_path(const std::filesystem::path& output) {
  std::filesystem::path path = output;
  if (path.extension() == ".safetensors") path.replace_extension();
  return path.string() + ".report.json";
}

void write_report(const std::filesystem::path& path, const ReportContext& context,
                  const ConversionResult& result, const ConversionProfile* profile) {
  Json json = {{"input", context.input},
               {"output", result.output.string()},
               {"format", context.format},
               {"optimizer", context.optimizer},
               {"model", context.model},
               {"backend", context.backend},
               {"seed", context.seed},
               {"reference_compat", context.reference_compat},
               {"bias_correction", context.bias_correction},
               {"calib_samples", context.calib_samples},
               {"seconds", result.seconds},
               {"layers", Json::array()}};
  for (const LayerOutcome& layer : result.layers)
    json["layers"].push_back(layer_json(layer));

  if (profile != nullptr) json["profile"] = profile_json(*profile);
  write_json_file(path, json, "the report");
}

}  // namespace lrq::host
