#include "cli/conversion_summary.hpp"

#include <cmath>
#include <set>

#include "cli/text_table.hpp"
#include "lrq/comfy_quant.hpp"
#include "pipeline/report.hpp"
#include "pipeline/verdict.hpp"
#include "recipe/suggest.hpp"

namespace lrq::host {
namespace {

std::string result_of(const LayerOutcome& layer) {
  if (layer.action == LayerAction::quantize) return layer.comfy_format;
  return std::string(action_name(layer.action)) + ": " + layer.reason;
}

// "learned" or "rtn" for a learned rounding, which is written only when it beats RTN.
std::string written_text(const LayerOutcome& layer) {
  if (layer.action != LayerAction::quantize || !layer.learned_rounding) return "";
  return layer.learned_written ? "learned" : "rtn";
}

// Which inputs the output errors were measured on.
std::string evaluation_note(const ConversionResult& result) {
  for (const LayerOutcome& layer : result.layers) {
    switch (layer.evaluated_on) {
      case InputSource::holdout:
        return "output errors: expected on the held-out statistics (calibration.holdout)\n";
      case InputSource::statistics:
        return "output errors: expected on the activation statistics (calibration.stats)\n";
      case InputSource::synthetic:
        return "output errors: expected on standard normal inputs, where they equal the weight "
               "errors (no activation statistics)\n";
      case InputSource::none:
        break;
    }
  }
  return "";
}

std::string error_text(double relative_error) {
  return std::isnan(relative_error) ? "" : format_scientific(relative_error);
}

// The formats written that stock ComfyUI does not load.
std::vector<std::string> extended_formats(const ConversionResult& result) {
  std::set<std::string> formats;
  for (const LayerOutcome& layer : result.layers) {
    if (layer.action == LayerAction::quantize && !loads_in_stock_comfyui(layer.comfy_format)) {
      formats.insert(layer.comfy_format);
    }
  }
  return {formats.begin(), formats.end()};
}

}  // namespace

void print_conversion_summary(const RunDescription& run, const ConversionResult& result,
                              std::ostream& out) {
  out << "input:     " << run.input << "\nformat:    " << run.format
      << "\noptimizer: " << run.optimizer << "\nmodel:     " << run.model
      << "\nbackend:   " << run.backend << "\ncalibration: " << run.calibration << '\n';
  for (std::size_t i = 0; i < run.overrides.size(); ++i)
    out << (i == 0 ? "overrides: " : "           ") << run.overrides[i] << '\n';
  out << '\n';
  TextTable table({"layer", "shape", "dtype", "result", "weight err", "output err",
                   "RTN output err", "written", "k", "iters", "seconds"});
  std::size_t quantized = 0;
  std::size_t removed = 0;
  std::size_t other_kept = 0;
  std::size_t corrected = 0;
  for (const LayerOutcome& layer : result.layers) {
    quantized += layer.action == LayerAction::quantize ? 1 : 0;
    removed += layer.action == LayerAction::remove ? 1 : 0;
    corrected += layer.bias_corrected ? 1 : 0;
    const bool weight = layer.tensor.name.ends_with(".weight");
    if (layer.action == LayerAction::keep && !weight) {
      ++other_kept;
      continue;
    }
    const bool done = layer.action == LayerAction::quantize;
    table.add({layer.tensor.name, shape_to_string(layer.tensor.shape),
               std::string(safetensors_name(layer.tensor.dtype)), result_of(layer),
               done ? error_text(layer.result.weight) : "",
               done ? error_text(layer.result.output) : "",
               done ? error_text(layer.rtn.output) : "", written_text(layer),
               done ? std::to_string(layer.rank) : "", done ? std::to_string(layer.iterations) : "",
               done ? format_fixed(layer.seconds, 3) : ""});
  }
  table.print(out);
  out << evaluation_note(result);
  const std::size_t kept_weights = result.layers.size() - quantized - removed - other_kept;
  out << '\n'
      << quantized << " layers quantized (" << corrected << " biases corrected), " << kept_weights
      << " weights and " << other_kept - corrected
      << " other tensors (biases, norms, ...) copied unchanged, " << removed << " removed\n"
      << format_bytes(result.input_bytes) << " -> " << format_bytes(result.output_bytes) << " in "
      << format_fixed(result.seconds, 2) << " s\n";
  if (const std::vector<std::string> extended = extended_formats(result); !extended.empty()) {
    out << "note: " << join(extended) << (extended.size() == 1 ? " loads" : " load")
        << " only in ComfyUI builds with block-wise support (ComfyUI PR #10864 or the "
           "ComfyUI-QuantOps node); for stock ComfyUI use fp8 with scale: tensor or int8_block "
           "with scale: tensor or row.\n";
  }
  const std::vector<OptimizerVerdict> judged = verdicts(result.layers);
  if (!judged.empty()) {
    out << "verdict (expected output error against round-to-nearest with the same scales):\n";
    for (const OptimizerVerdict& verdict : judged)
      out << "  " << verdict_line(verdict) << '\n';
  }
  if (run.report) {
    out << "report: " << run.report->string() << ", " << html_report_path(*run.report).string()
        << '\n';
  }
  out << "output: " << result.output.string() << '\n';
}

}  // namespace lrq::host
