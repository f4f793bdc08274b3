// fp8_clip: float8_e4m3fn weights with one scale per tensor, written as the `float8_e4m3fn` layer
// that stock ComfyUI loads. Unlike lrq's fp8 format, whose scale maps the tensor's amax to the
// grid's largest value, it tries clipping the weight at fractions of amax (1, 1 - step, ... down to
// min_fraction) and keeps the clip whose rounded weight is closest to the original, as the backend
// measures it (Frobenius norm). Ties keep the larger clip. Everything but the choice of the scale
// (accepted shapes, written tensors, reading a layer back) is lrq::format_common's ScaledFormat.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "lrq/error.hpp"
#include "lrq/plugin.hpp"
#include "scaled_format.hpp"
#include "stored_layer.hpp"

namespace fp8_clip {
namespace {

using lrq::formats::CellScale;
using lrq::formats::ScaledFormatSpec;

// The clip maps to the grid's largest value: lrq's fp8 rule, with the clip in place of amax.
CellScale clip_scale(float clip) {
  return lrq::formats::amax_to_limit(lrq::Grid::e4m3fn().max_abs, clip);
}

ScaledFormatSpec stock_comfyui_spec() {
  ScaledFormatSpec spec;
  spec.config.format = "float8_e4m3fn";
  spec.description = "float8_e4m3fn, per-tensor scale clipped at the best fraction of amax";
  spec.grid = lrq::Grid::e4m3fn();
  spec.layout = lrq::ScaleLayout::per_tensor();
  spec.scale_rule = &clip_scale;
  return spec;
}

ScaledFormatSpec stored_spec(const lrq::StoredLayer& layer, const lrq::ComfyQuantConfig& config) {
  if (config.format != "float8_e4m3fn") {
    throw lrq::Error(lrq::ErrorCategory::input, "layer '" + layer.prefix + "': format '" +
                                                    config.format + "' is not float8_e4m3fn");
  }
  return stock_comfyui_spec();
}

lrq::DeviceTensor upload_scalar(lrq::Backend& backend, float value) {
  return lrq::formats::upload_floats(backend, std::span(&value, 1), {1, 1});
}

class Fp8ClipFormat final : public lrq::Format {
 public:
  explicit Fp8ClipFormat(std::vector<float> fractions)
      : stock_(stock_comfyui_spec(), &stored_spec), fractions_(std::move(fractions)) {}

  std::string description() const override { return stock_.description(); }
  std::string comfy_format() const override { return stock_.comfy_format(); }
  lrq::Acceptance accepts(const lrq::TensorInfo& weight) const override {
    return stock_.accepts(weight);
  }
  lrq::LayerPlan plan(const std::string& prefix, const lrq::TensorInfo& weight) const override {
    return stock_.plan(prefix, weight);
  }

  // ScaledFormat's scale (clip = amax; it rejects NaN and infinity) is the first candidate.
  lrq::LayerQuantization prepare(lrq::Backend& backend, const lrq::TensorInfo& weight,
                                 const lrq::DeviceTensor& weight_f32) const override {
    lrq::LayerQuantization best = stock_.prepare(backend, weight, weight_f32);
    double best_error = rounding_error(backend, weight_f32, best);
    const float amax = lrq::formats::download_floats(
        backend, backend.absmax(weight_f32, lrq::ScaleLayout::per_tensor()))[0];
    for (float fraction : fractions_) {
      const CellScale scale = clip_scale(fraction * amax);
      lrq::LayerQuantization candidate{best.grid, best.layout, upload_scalar(backend, scale.scale),
                                       upload_scalar(backend, scale.multiplier)};
      const double error = rounding_error(backend, weight_f32, candidate);
      if (error < best_error) {
        best = std::move(candidate);
        best_error = error;
      }
    }
    return best;
  }

  std::vector<lrq::EncodedTensor> encode(
      lrq::Backend& backend, const std::string& prefix, const lrq::DeviceTensor& grid_values,
      const lrq::LayerQuantization& quantization) const override {
    return stock_.encode(backend, prefix, grid_values, quantization);
  }
  lrq::DeviceTensor dequantize(lrq::Backend& backend,
                               const lrq::StoredLayer& layer) const override {
    return stock_.dequantize(backend, layer);
  }

 private:
  // ||W - round_to_nearest(W)|| with the candidate's scale.
  static double rounding_error(lrq::Backend& backend, const lrq::DeviceTensor& weight,
                               const lrq::LayerQuantization& quantization) {
    const lrq::DeviceTensor values =
        backend.quantize(weight, quantization.multiplier, quantization.layout, quantization.grid);
    return backend.quantization_error(weight, values, quantization.scale, quantization.layout)
        .error;
  }

  lrq::formats::ScaledFormat stock_;
  std::vector<float> fractions_;  // below 1, descending
};

class Fp8ClipFormatFactory final : public lrq::FormatFactory {
 public:
  std::string name() const override { return "fp8_clip"; }
  std::string description() const override {
    return "float8_e4m3fn weights, per-tensor scale (stock ComfyUI) clipped at the fraction of "
           "amax that minimizes the rounding error";
  }
  lrq::OptionsSchema schema() const override {
    lrq::OptionsSchema schema;
    schema.add(lrq::OptionSpec::number("min_fraction", 0.9,
                                       "the smallest clip tried, as a fraction of amax", 0.5, 1.0));
    schema.add(lrq::OptionSpec::integer(
        "steps", 10, "how many clips below amax are tried, evenly spaced down to min_fraction", 1,
        100));
    return schema;
  }
  std::unique_ptr<lrq::Format> create(const lrq::Options& options) const override {
    const double min_fraction = options.get_number("min_fraction");
    const std::int64_t steps = options.get_int("steps");
    std::vector<float> fractions;
    for (std::int64_t step = 1; step <= steps; ++step) {
      fractions.push_back(static_cast<float>(
          1.0 - static_cast<double>(step) * (1.0 - min_fraction) / static_cast<double>(steps)));
    }
    return std::make_unique<Fp8ClipFormat>(std::move(fractions));
  }
};

void register_fp8_clip(lrq::Registrar& registrar) {
  registrar.add(std::make_unique<Fp8ClipFormatFactory>());
}

}  // namespace
}  // namespace fp8_clip

LRQ_PLUGIN("fp8_clip", "0.1.0", "float8_e4m3fn with a searched per-tensor clip (SDK example)",
           fp8_clip::register_fp8_clip)
