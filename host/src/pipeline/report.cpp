#include "pipeline/report.hpp"

#include "pipeline/atomic_file.hpp"
#include "pipeline/json_file.hpp"
#include "pipeline/output_shards.hpp"
#include "pipeline/provenance.hpp"
#include "pipeline/verdict.hpp"
#include "profile/profile_json.hpp"
#include "report/html_report.hpp"

namespace lrq::host {
namespace {

Json errors_json(const LayerErrors& errors) {
  return {{"weight_error", number_or_null(errors.weight)},
          {"projected_error", number_or_null(errors.projected)},
          {"output_error", number_or_null(errors.output)}};
}

Json layer_json(const LayerOutcome& layer) {
  Json json = tensor_json(layer.tensor);
  json["action"] = action_name(layer.action);
  json["reason"] = layer.reason;
  if (layer.action != LayerAction::quantize) return json;
  json["format"] = layer.format;
  json["format_label"] = layer.format_label;
  json["comfy_format"] = layer.comfy_format;
  json["optimizer"] = layer.optimizer;
  json["optimizer_label"] = layer.optimizer_label;
  json["scale"] = layer.scale_layout;
  json["k"] = layer.rank;
  json["iterations"] = layer.iterations;
  json["stop_reason"] = layer.stop_reason;
  json["seconds"] = layer.seconds;
  json["bias_corrected"] = layer.bias_corrected;
  json["bias_inputs"] = input_source_name(layer.bias_inputs);
  json["rtn"] = errors_json(layer.rtn);
  json["learned_rounding"] = layer.learned_rounding;
  if (layer.learned_rounding) {
    json["learned"] = errors_json(layer.learned);
    json["decided_on"] = input_source_name(layer.decided_on);
    json["learned_ratio"] = number_or_null(layer.learned_ratio);
  }
  json["learned_written"] = layer.learned_written;
  json["result"] = errors_json(layer.result);
  json["evaluated_on"] = input_source_name(layer.evaluated_on);
  return json;
}

Json ratio_json(const RatioSummary& summary) {
  return {{"layers", summary.layers},
          {"mean", number_or_null(summary.mean)},
          {"worst", number_or_null(summary.worst)}};
}

Json path_or_null(const std::string& path) {
  return path.empty() ? Json(nullptr) : Json(path);
}

}  // namespace

ActionCounts count_actions(const std::vector<LayerOutcome>& layers) {
  ActionCounts counts;
  for (const LayerOutcome& layer : layers)
    counts.add(layer.action);
  return counts;
}

Json verdict_json(const std::vector<LayerOutcome>& layers) {
  Json all = Json::array();
  for (const OptimizerVerdict& verdict : verdicts(layers)) {
    all.push_back({{"optimizer", verdict.optimizer_name},
                   {"optimizer_label", verdict.optimizer},
                   {"decided_on", input_source_name(verdict.decided_on)},
                   {"layers", verdict.layers},
                   {"better", verdict.better},
                   {"equal", verdict.equal},
                   {"worse", verdict.worse},
                   {"learned_written", verdict.learned_written},
                   {"ratio", ratio_json(verdict.ratio)},
                   {"held_out_ratio", ratio_json(verdict.held_out)},
                   {"paid", verdict.paid()}});
  }
  return all;
}

std::filesystem::path report_path(const std::filesystem::path& output) {
  return output.parent_path() / (output_stem(output) + ".report.json");
}

std::filesystem::path html_report_path(const std::filesystem::path& report) {
  std::filesystem::path path = report;
  return path.replace_extension(".html");
}

Json report_json(const ReportContext& context, const ConversionResult& result,
                 const ConversionProfile* profile) {
  Json json = json_document("report");
  json.update(run_subject_json(context.subject));
  json.update({{"seed", context.seed},
               {"reference_compat", context.reference_compat},
               {"bias_correction", context.bias_correction},
               {"calib_samples", context.calib_samples},
               {"calibration",
                {{"stats", path_or_null(context.stats)},
                 {"holdout", path_or_null(context.holdout)},
                 {"missing", context.missing},
                 {"quantized_layers", context.coverage.quantized},
                 {"with_statistics", context.coverage.with_inputs},
                 {"without_statistics", context.coverage.without},
                 {"with_holdout", context.coverage.with_holdout}}},
               {"counts", count_actions(result.layers).json()},
               {"seconds", result.seconds},
               {"verdict", verdict_json(result.layers)},
               {"layers", Json::array()}});
  for (const LayerOutcome& layer : result.layers)
    json["layers"].push_back(layer_json(layer));

  json["provenance"] = provenance_json(context.provenance);
  if (profile != nullptr) json["profile"] = profile_json(*profile);
  return json;
}

void write_report(StagedFiles& staged, const std::filesystem::path& path,
                  const ReportContext& context, const ConversionResult& result,
                  const ConversionProfile* profile) {
  const Json json = report_json(context, result, profile);
  write_json_file(staged.stage(path), json, "the report");
  write_file_atomically(staged.stage(html_report_path(path)), html_report(json), "the HTML report");
}

}  // namespace lrq::host
