// fp8_e5m2: float8_e5m2 weights (max 57344) with one per-tensor scale, a format stock ComfyUI
// loads (`float8_e5m2`).

#include "lrq/error.hpp"
#include "lrq/plugin.hpp"
#include "scaled_format.hpp"

namespace lrq::formats {
namespace {

CellScale e5m2_scale(float absmax) {
  return amax_to_limit(Grid::e5m2().max_abs, absmax);
}

ScaledFormatSpec e5m2_spec() {
  ScaledFormatSpec spec;
  spec.config.format = "float8_e5m2";
  spec.description = "float8_e5m2, per-tensor scale";
  spec.grid = Grid::e5m2();
  spec.layout = ScaleLayout::per_tensor();
  spec.scale_rule = &e5m2_scale;
  return spec;
}

ScaledFormatSpec stored_e5m2_spec(const StoredLayer& layer, const ComfyQuantConfig& config) {
  if (config.format == "float8_e5m2") return e5m2_spec();
  throw Error(ErrorCategory::input,
              "layer '" + layer.prefix + "': format '" + config.format + "' is not float8_e5m2");
}

class Fp8E5m2FormatFactory final : public FormatFactory {
 public:
  std::string name() const override { return "fp8_e5m2"; }
  std::string description() const override {
    return "float8_e5m2 weights (wider range, coarser steps than e4m3fn), per-tensor scale; stock "
           "ComfyUI";
  }
  OptionsSchema schema() const override {
    OptionsSchema schema;
    add_layer_flag_options(schema);
    return schema;
  }
  std::unique_ptr<Format> create(const Options& options) const override {
    ScaledFormatSpec spec = e5m2_spec();
    apply_layer_flag_options(options, spec);
    return std::make_unique<ScaledFormat>(std::move(spec), &stored_e5m2_spec);
  }
};

void register_fp8_e5m2(Registrar& registrar) {
  registrar.add(std::make_unique<Fp8E5m2FormatFactory>());
}

}  // namespace
}  // namespace lrq::formats

LRQ_PLUGIN("fp8_e5m2", "0.1.0", "float8_e5m2 format (per-tensor scale)",
           lrq::formats::register_fp8_e5m2)
