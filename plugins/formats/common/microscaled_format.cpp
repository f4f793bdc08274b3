#include "microscaled_format.hpp"

#include <algorithm>
#include <cstring>

#include "block_scale_layout.hpp"
#include "lrq/error.hpp"
#include "lrq/grid_arithmetic.hpp"
#include "scaled_format.hpp"
#include "stored_layer.hpp"

namespace lrq::formats {
namespace {

std::vector<std::byte> float_bytes(float value) {
  std::vector<std::byte> bytes(sizeof value);
  std::memcpy(bytes.data(), &value, sizeof value);
  return bytes;
}

}  // namespace

MicroscaledFormat::MicroscaledFormat(MicroscaledFormatSpec spec) : spec_(std::move(spec)) {}

Acceptance MicroscaledFormat::accepts(const TensorInfo& weight) const {
  // ComfyUI pads both sides of these layouts to the block; lrq writes only layers that need no
  // padding, so that the stored weight keeps the model's shape.
  return accepts_tiled_matrix(weight, ScaleLayout::blocks(spec_.block, spec_.block));
}

Shape MicroscaledFormat::stored_weight_shape(std::int64_t rows, std::int64_t cols) const {
  return {rows, spec_.packed_nibbles ? cols / 2 : cols};
}

LayerPlan MicroscaledFormat::plan(const std::string& prefix, const TensorInfo& weight) const {
  const std::int64_t rows = weight.shape[0];
  const std::int64_t cols = weight.shape[1];
  LayerPlan plan{{}, spec_.config.to_json()};
  plan.tensors.push_back(
      {prefix + ".weight", spec_.element_grid.storage_dtype(), stored_weight_shape(rows, cols)});
  plan.tensors.push_back({prefix + ".weight_scale", spec_.scale_dtype,
                          swizzled_scale_shape(rows, cols / spec_.block)});
  if (spec_.two_level) plan.tensors.push_back({prefix + ".weight_scale_2", DType::F32, {}});
  const auto json_length = static_cast<std::int64_t>(plan.comfy_quant_json.size());
  plan.tensors.push_back({prefix + ".comfy_quant", DType::U8, {json_length}});
  return plan;
}

std::vector<float> MicroscaledFormat::block_scales(std::span<const std::uint8_t> codes,
                                                   float tensor_scale) const {
  std::vector<float> scales(codes.size());
  for (std::size_t block = 0; block < codes.size(); ++block) {
    scales[block] = grid_arithmetic::decode(spec_.scale_grid, codes[block]) * tensor_scale;
  }
  return scales;
}

LayerQuantization MicroscaledFormat::prepare(Backend& backend, const TensorInfo& weight,
                                             const DeviceTensor& weight_f32) const {
  const std::int64_t rows = weight.shape[0];
  const std::int64_t cols = weight.shape[1];
  const std::vector<float> maxima = download_floats(backend, backend.absmax(weight_f32, layout()));
  require_finite_maxima(maxima, weight);
  const float tensor_absmax = *std::ranges::max_element(maxima);
  const BlockScaleCodes chosen = spec_.scale_rule(maxima, tensor_absmax);
  const std::vector<float> scales = block_scales(chosen.codes, chosen.tensor_scale);
  std::vector<float> multipliers(scales.size());
  std::ranges::transform(scales, multipliers.begin(), [](float scale) {
    return scale > 0.0f ? 1.0f / scale : 0.0f;  // a zero scale stores only zeros
  });

  const Shape cells = layout().cells(rows, cols);
  LayerQuantization quantization{spec_.element_grid, layout(),
                                 upload_floats(backend, scales, cells),
                                 upload_floats(backend, multipliers, cells)};
  const std::vector<std::uint8_t> swizzled = swizzle_scales(chosen.codes, cells[0], cells[1]);
  const std::span<const std::byte> swizzled_bytes = std::as_bytes(std::span(swizzled));
  quantization.stored_scales.emplace_back(swizzled_bytes.begin(), swizzled_bytes.end());
  if (spec_.two_level) quantization.stored_scales.push_back(float_bytes(chosen.tensor_scale));
  return quantization;
}

std::vector<EncodedTensor> MicroscaledFormat::encode(Backend& backend, const std::string& prefix,
                                                     const DeviceTensor& grid_values,
                                                     const LayerQuantization& quantization) const {
  LayerPlan layer = plan(prefix, TensorInfo{prefix + ".weight", DType::F32, grid_values.shape});
  std::vector<EncodedTensor> encoded;
  for (std::size_t i = 0; i < layer.tensors.size(); ++i) {
    TensorInfo& info = layer.tensors[i];
    std::vector<std::byte> bytes;
    if (i == 0) {
      bytes = download_bytes(backend, backend.encode(grid_values, spec_.element_grid));
      if (spec_.packed_nibbles) bytes = pack_nibbles_high_first(bytes);
    } else if (i + 1 < layer.tensors.size()) {
      bytes = quantization.stored_scales.at(i - 1);
    } else {
      bytes = text_bytes(layer.comfy_quant_json);
    }
    encoded.push_back({std::move(info), std::move(bytes)});
  }
  return encoded;
}

DeviceTensor MicroscaledFormat::dequantize(Backend& backend, const StoredLayer& layer) const {
  const TensorView& weight = stored_tensor(layer, "weight");
  const DType element_dtype = spec_.element_grid.storage_dtype();
  require_stored(weight.dtype == element_dtype && weight.shape.size() == 2, layer, "weight",
                 "a 2-D " + std::string(safetensors_name(element_dtype)) + " tensor", weight);
  const std::int64_t rows = weight.shape[0];
  const std::int64_t cols = spec_.packed_nibbles ? 2 * weight.shape[1] : weight.shape[1];
  if (const std::string mismatch = layout().tiling_mismatch(rows, cols); !mismatch.empty()) {
    throw Error(ErrorCategory::input, "tensor '" + layer.prefix + ".weight': " + mismatch);
  }
  const Shape cells = layout().cells(rows, cols);
  const TensorView& scale = stored_tensor(layer, "weight_scale");
  const Shape scale_shape = swizzled_scale_shape(cells[0], cells[1]);
  // ComfyUI views the scale bytes as its scale dtype, so any one-byte tag loads.
  require_stored(itemsize(scale.dtype) == 1 && scale.shape == scale_shape, layer, "weight_scale",
                 "one-byte codes shaped " + shape_to_string(scale_shape), scale);
  float tensor_scale = 1.0f;
  if (spec_.two_level) {
    const TensorView& second = stored_tensor(layer, "weight_scale_2");
    require_stored(second.dtype == DType::F32 && element_count(second.shape) == 1, layer,
                   "weight_scale_2", "an F32 scalar", second);
    std::memcpy(&tensor_scale, second.bytes.data(), sizeof tensor_scale);
  }

  DeviceTensor codes;
  if (spec_.packed_nibbles) {
    const std::vector<std::uint8_t> unpacked = unpack_nibbles_high_first(weight.bytes);
    codes = backend.upload(TensorView{DType::U8, {rows, cols}, std::as_bytes(std::span(unpacked))});
  } else {
    codes = backend.upload(weight);
  }
  const DeviceTensor values = backend.decode(codes, spec_.element_grid);
  const std::vector<std::uint8_t> scale_codes = unswizzle_scales(scale.bytes, cells[0], cells[1]);
  const std::vector<float> scales = block_scales(scale_codes, tensor_scale);
  return backend.dequantize(values, upload_floats(backend, scales, cells), layout());
}

MicroscaledFormatFactory::MicroscaledFormatFactory(std::string name, std::string description,
                                                   MicroscaledFormatSpec spec)
    : name_(std::move(name)), description_(std::move(description)), spec_(std::move(spec)) {}

OptionsSchema MicroscaledFormatFactory::schema() const {
  OptionsSchema schema;
  schema.add(full_precision_matrix_mult_option());
  return schema;
}

std::unique_ptr<Format> MicroscaledFormatFactory::create(const Options& options) const {
  MicroscaledFormatSpec spec = spec_;
  spec.config.full_precision_matrix_mult = options.get_bool("full_precision_matrix_mult");
  return std::make_unique<MicroscaledFormat>(std::move(spec));
}

}  // namespace lrq::formats
