// A format whose layer is codes on a grid times a scale per cell (per tensor, row or block): the
// common shape of fp8 and int8 in ComfyUI. A plugin describes a variant; ScaledFormat does the
// rest.
#pragma once

#include <functional>
#include <string>

#include "lrq/comfy_quant.hpp"
#include "lrq/format.hpp"

namespace lrq::formats {

struct CellScale {
  float scale;       // dequantization multiplier, stored in the file
  float multiplier;  // quantization multiplier: value = round(W * multiplier)
};

// The scale of one cell from the max |W| over it (finite, >= 0).
using ScaleRule = CellScale (*)(float absmax);

struct ScaledFormatSpec {
  ComfyQuantConfig config;
  std::string description;
  Grid grid;
  ScaleLayout layout;
  ScaleRule scale_rule = nullptr;
  bool row_scale_as_column = false;  // per-row scales stored [N, 1] rather than [N]
  bool write_input_scale = false;    // an F32 scalar input_scale of 1.0
};

// The reference tool's rule for fp8 and row-wise int8: multiplier limit / max(amax, 1e-12), so
// that amax maps to the grid's largest value, and the stored scale its reciprocal.
CellScale amax_to_limit(float limit, float absmax);

// `full_precision_matrix_mult`: mark layers to be dequantized for a full-precision matmul.
OptionSpec full_precision_matrix_mult_option();

// The two per-layer flags of the fp8 formats: `input_scale` (write an input_scale of 1.0) and
// `full_precision_matrix_mult`, added to a schema and read back into a spec.
void add_layer_flag_options(OptionsSchema& schema);
void apply_layer_flag_options(const Options& options, ScaledFormatSpec& spec);

// The stored shape of weight_scale for a [rows, cols] weight: [] per tensor, [rows] or
// [rows, 1] per row, [rows / block, cols / block] per block; [] whenever that is one element.
Shape stored_scale_shape(const ScaledFormatSpec& spec, std::int64_t rows, std::int64_t cols);

// The variant a stored layer was written with, from its .comfy_quant and tensors; throws
// lrq::Error (input) naming the layer when the plugin does not know it.
using StoredSpecResolver =
    std::function<ScaledFormatSpec(const StoredLayer& layer, const ComfyQuantConfig& config)>;

class ScaledFormat final : public Format {
 public:
  ScaledFormat(ScaledFormatSpec spec, StoredSpecResolver resolve_stored);

  std::string description() const override { return spec_.description; }
  std::string comfy_format() const override { return spec_.config.format; }
  Acceptance accepts(const TensorInfo& weight) const override;
  LayerPlan plan(const std::string& prefix, const TensorInfo& weight) const override;
  LayerQuantization prepare(Backend& backend, const TensorInfo& weight,
                            const DeviceTensor& weight_f32) const override;
  std::vector<EncodedTensor> encode(Backend& backend, const std::string& prefix,
                                    const DeviceTensor& grid_values,
                                    const LayerQuantization& quantization) const override;
  DeviceTensor dequantize(Backend& backend, const StoredLayer& layer) const override;

 private:
  ScaledFormatSpec spec_;
  StoredSpecResolver resolve_stored_;
};

}  // namespace lrq::formats
