// int8_block: symmetric INT8 weights (+-127) with per-block scales (int8_blockwise), or a scalar or
// per-row scale (int8_tensorwise, the INT8 layout stock ComfyUI loads).
#include <algorithm>

#include "lrq/error.hpp"
#include "lrq/plugin.hpp"
#include "scaled_format.hpp"

namespace lrq::formats {
namespace {

constexpr std::int64_t kStoredBlockDefault = 128;  // ComfyUI's group_size fallback for int8 blocks

// Block-wise, as the reference: scale max(amax / 127, 1e-8). The multiplier is its reciprocal
// (the reference divides by the scale; the two agree except in the last bit at rounding ties).
CellScale int8_block_scale(float absmax) {
  const float scale = std::max(absmax / 127.0f, 1e-8f);
  return {scale, 1.0f / scale};
}

// Tensor-wise, as the reference: scale max(amax, 1e-12) / 127.
CellScale int8_tensor_scale(float absmax) {
  const float scale = std::max(absmax, 1e-12f) / 127.0f;
  return {scale, 1.0f / scale};
}

CellScale int8_row_scale(float absmax) {
  return amax_to_limit(127.0f, absmax);
}

ScaledFormatSpec int8_spec(const std::string& scale, std::int64_t block_size) {
  ScaledFormatSpec spec;
  spec.grid = Grid::int8();
  if (scale == "block") {
    spec.config.format = "int8_blockwise";
    spec.config.group_size = block_size;
    spec.layout = ScaleLayout::blocks(block_size, block_size);
    spec.scale_rule = &int8_block_scale;
    spec.write_input_scale = true;  // convert_to_quant always writes input_scale 1.0 here
  } else {
    spec.config.format = "int8_tensorwise";
    spec.config.per_row = scale == "row";
    spec.layout = scale == "row" ? ScaleLayout::per_row() : ScaleLayout::per_tensor();
    spec.row_scale_as_column = true;
    spec.scale_rule = scale == "row" ? &int8_row_scale : &int8_tensor_scale;
  }
  spec.description = spec.config.format + ", " + spec.layout.describe() + " scale";
  return spec;
}

ScaledFormatSpec stored_int8_spec(const StoredLayer& layer, const ComfyQuantConfig& config) {
  if (config.format == "int8_blockwise") {
    return int8_spec("block", config.group_size.value_or(kStoredBlockDefault));
  }
  if (config.format == "int8_tensorwise") {
    const auto scale = layer.tensors.find("weight_scale");
    const bool per_row = scale != layer.tensors.end() && scale->second.shape.size() == 2 &&
                         scale->second.shape[1] == 1 && element_count(scale->second.shape) > 1;
    return int8_spec(per_row ? "row" : "tensor", 0);
  }
  throw Error(ErrorCategory::input,
              "layer '" + layer.prefix + "': format '" + config.format + "' is not an int8 format");
}

class Int8FormatFactory final : public FormatFactory {
 public:
  std::string name() const override { return "int8_block"; }
  std::string description() const override {
    return "INT8 weights (+-127); block-wise scales (int8_blockwise, ComfyUI builds with "
           "block-wise support) or tensor-wise/row-wise (int8_tensorwise, stock ComfyUI)";
  }
  OptionsSchema schema() const override {
    OptionsSchema schema;
    schema.add(OptionSpec::choice("scale", {"block", "tensor", "row"}, "block",
                                  "block (int8_blockwise) or tensor / row (int8_tensorwise, "
                                  "stock ComfyUI)"));
    schema.add(
        OptionSpec::integer_choice("block_size", {64, 128}, 128, "tile side for scale: block"));
    schema.add(full_precision_matrix_mult_option());
    return schema;
  }
  std::unique_ptr<Format> create(const Options& options) const override {
    ScaledFormatSpec spec = int8_spec(options.get_string("scale"), options.get_int("block_size"));
    spec.config.full_precision_matrix_mult = options.get_bool("full_precision_matrix_mult");
    return std::make_unique<ScaledFormat>(std::move(spec), &stored_int8_spec);
  }
};

void register_int8(Registrar& registrar) {
  registrar.add(std::make_unique<Int8FormatFactory>());
}

}  // namespace
}  // namespace lrq::formats

LRQ_PLUGIN("int8_block", "0.1.0", "INT8 format (block-wise, tensor-wise and row-wise scales)",
           lrq::formats::register_int8)
