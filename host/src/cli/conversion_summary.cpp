#include "cli/conversion_summary.hpp"

#include "cli/text_table.hpp"
#include "lrq/comfy_quant.hpp"

namespace lrq::host {
namespace {

std::string result_of(const LayerOutcome& layer) {
  if (layer.action == LayerAction::quantize) return layer.comfy_format;
  return std::string(action_name(layer.action)) + ": " + layer.reason;
}

}  // namespace

void print_conversion_summary(const RunDescription& run, const ConversionResult& result,
                              std::ostream& out) {
  out << "input:     " << run.input << "\nformat:    " << run.format
      << "\noptimizer: " << run.optimizer << "\nmodel:     " << run.model
      << "\nbackend:   " << run.backend << "\n\n";
  TextTable table({"layer", "shape", "dtype", "result", "rel. error", "seconds"});
  std::size_t quantized = 0;
  std::size_t removed = 0;
  std::size_t other_kept = 0;
  for (const LayerOutcome& layer : result.layers) {
    quantized += layer.action == LayerAction::quantize ? 1 : 0;
    removed += layer.action == LayerAction::remove ? 1 : 0;
    const bool weight = layer.tensor.name.ends_with(".weight");
    if (layer.action == LayerAction::keep && !weight) {
      ++other_kept;
      continue;
    }
    const bool has_error = layer.action == LayerAction::quantize;
    table.add({layer.tensor.name, shape_to_string(layer.tensor.shape),
               std::string(safetensors_name(layer.tensor.dtype)), result_of(layer),
               has_error ? format_scientific(layer.weight_error.relative()) : "",
               has_error ? format_fixed(layer.seconds, 3) : ""});
  }
  table.print(out);
  const std::size_t kept_weights = result.layers.size() - quantized - removed - other_kept;
  out << '\n'
      << quantized << " layers quantized, " << kept_weights << " weights and " << other_kept
      << " other tensors (biases, norms, ...) copied unchanged, " << removed << " removed\n"
      << format_bytes(result.input_bytes) << " -> " << format_bytes(result.output_bytes) << " in "
      << format_fixed(result.seconds, 2) << " s\n";
  if (quantized > 0 && !loads_in_stock_comfyui(run.comfy_format)) {
    out << "note: " << run.comfy_format
        << " loads only in ComfyUI builds with block-wise support (ComfyUI PR #10864 or the "
           "ComfyUI-QuantOps node); for stock ComfyUI use fp8 with scale: tensor or int8_block "
           "with scale: tensor or row.\n";
  }
  out << "output: " << result.output.string() << '\n';
}

}  // namespace lrq::host
