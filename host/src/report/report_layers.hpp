// The layers of a report document (pipeline/report.hpp), read back for the HTML report's chart and
// table, so that the page shows exactly the numbers of the JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pipeline/converter.hpp"
#include "report/layer_key.hpp"

namespace lrq::host {

struct ReportLayer {
  std::string name;
  LayerKey key;
  std::string shape;   // "[256, 256]"
  std::string action;  // "quantize", "keep", ...
  std::string note;    // the stop reason of a quantized layer, else the reason
  // Quantized layers only; NaN where the report has null:
  std::string format;
  std::string optimizer;
  bool learned_rounding = false;
  bool learned_written = false;
  std::string evaluated_on;
  double rtn_weight_error = kNotComputed;
  double rtn_output_error = kNotComputed;
  double result_weight_error = kNotComputed;
  double result_output_error = kNotComputed;

  bool quantized() const { return action == "quantize"; }
  // The written result's output error over round-to-nearest's; NaN where either is missing.
  double ratio_to_rtn() const;
};

std::vector<ReportLayer> report_layers(const nlohmann::ordered_json& report);

}  // namespace lrq::host
