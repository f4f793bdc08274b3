#include "report/report_layers.hpp"

namespace lrq::host {
namespace {

using Json = nlohmann::ordered_json;

double number_or_nan(const Json& errors, const char* key) {
  const auto found = errors.find(key);
  return found != errors.end() && found->is_number() ? found->get<double>() : kNotComputed;
}

std::string text_of(const Json& layer, const char* key) {
  const auto found = layer.find(key);
  return found != layer.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::string shape_text(const Json& shape) {
  std::string text = "[";
  for (const Json& extent : shape) {
    if (text.size() > 1) text += ", ";
    text += extent.dump();
  }
  return text + "]";
}

}  // namespace

double ReportLayer::ratio_to_rtn() const {
  if (!(rtn_output_error > 0.0)) return kNotComputed;
  return result_output_error / rtn_output_error;
}

std::vector<ReportLayer> report_layers(const Json& report) {
  std::vector<ReportLayer> layers;
  for (const Json& json : report.at("layers")) {
    ReportLayer layer;
    layer.name = text_of(json, "name");
    layer.key = layer_key(layer.name);
    layer.shape = shape_text(json.at("shape"));
    layer.action = text_of(json, "action");
    layer.note = text_of(json, "reason");
    if (layer.quantized()) {
      if (const std::string stop = text_of(json, "stop_reason"); !stop.empty()) layer.note = stop;
      layer.format = text_of(json, "format_label");
      layer.optimizer = text_of(json, "optimizer_label");
      layer.learned_rounding = json.value("learned_rounding", false);
      layer.learned_written = json.value("learned_written", false);
      layer.evaluated_on = text_of(json, "evaluated_on");
      layer.rtn_weight_error = number_or_nan(json.at("rtn"), "weight_error");
      layer.rtn_output_error = number_or_nan(json.at("rtn"), "output_error");
      layer.result_weight_error = number_or_nan(json.at("result"), "weight_error");
      layer.result_output_error = number_or_nan(json.at("result"), "output_error");
    }
    layers.push_back(std::move(layer));
  }
  return layers;
}

}  // namespace lrq::host
