#include "scaled_format.hpp"

#include <algorithm>
#include <cstring>

#include "lrq/error.hpp"
#include "stored_layer.hpp"

namespace lrq::formats {

CellScale amax_to_limit(float limit, float absmax) {
  const float multiplier = limit / std::max(absmax, 1e-12f);
  return {1.0f / multiplier, multiplier};
}

OptionSpec full_precision_matrix_mult_option() {
  return OptionSpec::boolean("full_precision_matrix_mult", false,
                             "mark layers to be dequantized for a full-precision matmul");
}

void add_layer_flag_options(OptionsSchema& schema) {
  schema.add(OptionSpec::boolean("input_scale", false,
                                 "also write an input_scale of 1.0 for every quantized layer"));
  schema.add(full_precision_matrix_mult_option());
}

void apply_layer_flag_options(const Options& options, ScaledFormatSpec& spec) {
  spec.write_input_scale = options.get_bool("input_scale");
  spec.config.full_precision_matrix_mult = options.get_bool("full_precision_matrix_mult");
}

Shape stored_scale_shape(const ScaledFormatSpec& spec, std::int64_t rows, std::int64_t cols) {
  Shape shape;
  switch (spec.layout.granularity) {
    case ScaleGranularity::tensor:
      break;
    case ScaleGranularity::row:
      shape = spec.row_scale_as_column ? Shape{rows, 1} : Shape{rows};
      break;
    case ScaleGranularity::block:
      shape = spec.layout.cells(rows, cols);
      break;
  }
  // Like the reference tool, every one-element scale is stored as a 0-d scalar.
  return element_count(shape) == 1 ? Shape{} : shape;
}

ScaledFormat::ScaledFormat(ScaledFormatSpec spec, StoredSpecResolver resolve_stored)
    : spec_(std::move(spec)), resolve_stored_(std::move(resolve_stored)) {}

Acceptance ScaledFormat::accepts(const TensorInfo& weight) const {
  return accepts_tiled_matrix(weight, spec_.layout);
}

LayerPlan ScaledFormat::plan(const std::string& prefix, const TensorInfo& weight) const {
  const std::int64_t rows = weight.shape[0];
  const std::int64_t cols = weight.shape[1];
  LayerPlan plan{{}, spec_.config.to_json()};
  plan.tensors.push_back({prefix + ".weight", spec_.grid.storage_dtype(), weight.shape});
  plan.tensors.push_back(
      {prefix + ".weight_scale", DType::F32, stored_scale_shape(spec_, rows, cols)});
  if (spec_.write_input_scale) plan.tensors.push_back({prefix + ".input_scale", DType::F32, {}});
  const auto json_length = static_cast<std::int64_t>(plan.comfy_quant_json.size());
  plan.tensors.push_back({prefix + ".comfy_quant", DType::U8, {json_length}});
  return plan;
}

LayerQuantization ScaledFormat::prepare(Backend& backend, const TensorInfo& weight,
                                        const DeviceTensor& weight_f32) const {
  const Shape cells = spec_.layout.cells(weight.shape[0], weight.shape[1]);
  const std::vector<float> maxima =
      download_floats(backend, backend.absmax(weight_f32, spec_.layout));
  require_finite_maxima(maxima, weight);
  const bool all_zero = std::ranges::all_of(maxima, [](float maximum) { return maximum == 0.0f; });
  std::vector<float> scales(maxima.size());
  std::vector<float> multipliers(maxima.size());
  for (std::size_t cell = 0; cell < maxima.size(); ++cell) {
    // An all-zero weight keeps unit scales, as the reference tool writes it.
    const CellScale chosen = all_zero ? CellScale{1.0f, 1.0f} : spec_.scale_rule(maxima[cell]);
    scales[cell] = chosen.scale;
    multipliers[cell] = chosen.multiplier;
  }
  return {spec_.grid, spec_.layout, upload_floats(backend, scales, cells),
          upload_floats(backend, multipliers, cells)};
}

std::vector<EncodedTensor> ScaledFormat::encode(Backend& backend, const std::string& prefix,
                                                const DeviceTensor& grid_values,
                                                const LayerQuantization& quantization) const {
  const TensorInfo weight{prefix + ".weight", DType::F32, grid_values.shape};
  std::vector<EncodedTensor> encoded;
  LayerPlan layer = plan(prefix, weight);
  for (TensorInfo& info : layer.tensors) {
    const std::string suffix = info.name.substr(prefix.size() + 1);
    std::vector<std::byte> bytes;
    if (suffix == "weight") {
      bytes = download_bytes(backend, backend.encode(grid_values, quantization.grid));
    } else if (suffix == "weight_scale") {
      bytes = download_bytes(backend, quantization.scale);
    } else if (suffix == "input_scale") {
      const float unit = 1.0f;
      bytes.resize(sizeof unit);
      std::memcpy(bytes.data(), &unit, sizeof unit);
    } else {
      bytes = text_bytes(layer.comfy_quant_json);
    }
    encoded.push_back({std::move(info), std::move(bytes)});
  }
  return encoded;
}

DeviceTensor ScaledFormat::dequantize(Backend& backend, const StoredLayer& layer) const {
  const ComfyQuantConfig config =
      ComfyQuantConfig::parse(layer.comfy_quant_json, layer.prefix + ".comfy_quant");
  const ScaledFormatSpec stored = resolve_stored_(layer, config);
  const TensorView& weight = stored_tensor(layer, "weight");
  const std::string storage_name(safetensors_name(stored.grid.storage_dtype()));
  require_stored(weight.dtype == stored.grid.storage_dtype() && weight.shape.size() == 2, layer,
                 "weight", "a 2-D " + storage_name + " tensor", weight);
  const std::int64_t rows = weight.shape[0];
  const std::int64_t cols = weight.shape[1];
  if (const std::string mismatch = stored.layout.tiling_mismatch(rows, cols); !mismatch.empty()) {
    throw Error(ErrorCategory::input, "tensor '" + layer.prefix + ".weight': " + mismatch);
  }
  const TensorView& scale = stored_tensor(layer, "weight_scale");
  const Shape scale_shape = stored_scale_shape(stored, rows, cols);
  // A one-element scale may be stored with any shape ([], [1], [1, 1]): ComfyUI loads them all.
  const bool shape_matches = scale.shape == scale_shape ||
                             (element_count(scale_shape) == 1 && element_count(scale.shape) == 1);
  require_stored(scale.dtype == DType::F32 && shape_matches, layer, "weight_scale",
                 "F32 " + shape_to_string(scale_shape), scale);

  const DeviceTensor values = backend.to_f32(backend.upload(weight));
  const DeviceTensor cells =
      backend.upload(TensorView{DType::F32, stored.layout.cells(rows, cols), scale.bytes});
  return backend.dequantize(values, cells, stored.layout);
}

}  // namespace lrq::formats
