// fp8: float8_e4m3fn weights with a per-tensor (stock ComfyUI), per-row or per-block scale.

#include "lrq/error.hpp"
#include "lrq/float_convert.hpp"
#include "lrq/plugin.hpp"
#include "scaled_format.hpp"

namespace lrq::formats {
namespace {

constexpr std::int64_t kStoredBlockDefault = 64;  // ComfyUI's group_size fallback for fp8 blocks

CellScale fp8_scale(float absmax) {
  return amax_to_limit(kE4m3fnMax, absmax);
}

ScaledFormatSpec fp8_spec(const std::string& scale, std::int64_t block_size) {
  ScaledFormatSpec spec;
  spec.grid = Grid::e4m3fn();
  spec.scale_rule = &fp8_scale;
  if (scale == "tensor") {
    spec.config.format = "float8_e4m3fn";
    spec.layout = ScaleLayout::per_tensor();
  } else if (scale == "row") {
    spec.config.format = "float8_e4m3fn_rowwise";
    spec.layout = ScaleLayout::per_row();
  } else {
    spec.config.format = "float8_e4m3fn_blockwise";
    spec.config.group_size = block_size;
    spec.layout = ScaleLayout::blocks(block_size, block_size);
  }
  spec.description = "float8_e4m3fn, " + spec.layout.describe() + " scale";
  return spec;
}

ScaledFormatSpec stored_fp8_spec(const StoredLayer& layer, const ComfyQuantConfig& config) {
  if (config.format == "float8_e4m3fn") return fp8_spec("tensor", 0);
  if (config.format == "float8_e4m3fn_rowwise") return fp8_spec("row", 0);
  if (config.format == "float8_e4m3fn_blockwise") {
    return fp8_spec("block", config.group_size.value_or(kStoredBlockDefault));
  }
  throw Error(ErrorCategory::input,
              "layer '" + layer.prefix + "': format '" + config.format + "' is not an fp8 format");
}

class Fp8FormatFactory final : public FormatFactory {
 public:
  std::string name() const override { return "fp8"; }
  std::string description() const override {
    return "float8_e4m3fn weights; per-tensor scale (stock ComfyUI), per-row or per-block "
           "(ComfyUI builds with block-wise support)";
  }
  OptionsSchema schema() const override {
    OptionsSchema schema;
    schema.add(OptionSpec::choice("scale", {"tensor", "row", "block"}, "tensor",
                                  "scale granularity: tensor (float8_e4m3fn, stock ComfyUI), row "
                                  "(float8_e4m3fn_rowwise) or block (float8_e4m3fn_blockwise)"));
    schema.add(OptionSpec::integer_choice("block_size", {32, 64, 128, 256}, 128,
                                          "tile side for scale: block"));
    add_layer_flag_options(schema);
    return schema;
  }
  std::unique_ptr<Format> create(const Options& options) const override {
    ScaledFormatSpec spec = fp8_spec(options.get_string("scale"), options.get_int("block_size"));
    apply_layer_flag_options(options, spec);
    return std::make_unique<ScaledFormat>(std::move(spec), &stored_fp8_spec);
  }
};

void register_fp8(Registrar& registrar) {
  registrar.add(std::make_unique<Fp8FormatFactory>());
}

}  // namespace
}  // namespace lrq::formats

LRQ_PLUGIN("fp8", "0.1.0", "float8_e4m3fn format (per-tensor, per-row, per-block scales)",
           lrq::formats::register_fp8)
