#include "stored_layer.hpp"

#include <cmath>
#include <cstring>

#include "lrq/error.hpp"

namespace lrq::formats {

std::vector<std::byte> download_bytes(Backend& backend, const DeviceTensor& tensor) {
  std::vector<std::byte> bytes(tensor.bytes());
  backend.download(tensor, bytes);
  return bytes;
}

std::vector<float> download_floats(Backend& backend, const DeviceTensor& tensor) {
  std::vector<float> values(static_cast<std::size_t>(tensor.elements()));
  backend.download(tensor, std::as_writable_bytes(std::span(values)));
  return values;
}

DeviceTensor upload_floats(Backend& backend, std::span<const float> values, const Shape& shape) {
  return backend.upload(TensorView{DType::F32, shape, std::as_bytes(values)});
}

const TensorView& stored_tensor(const StoredLayer& layer, const std::string& suffix) {
  const auto found = layer.tensors.find(suffix);
  if (found == layer.tensors.end()) {
    throw Error(ErrorCategory::input, "quantized layer '" + layer.prefix + "' has no '" +
                                          layer.prefix + "." + suffix + "'");
  }
  return found->second;
}

void require_stored(bool condition, const StoredLayer& layer, const std::string& suffix,
                    const std::string& expectation, const TensorView& tensor) {
  if (condition) return;
  throw Error(ErrorCategory::input, "tensor '" + layer.prefix + "." + suffix + "': expected " +
                                        expectation + ", found " +
                                        std::string(safetensors_name(tensor.dtype)) + " " +
                                        shape_to_string(tensor.shape));
}

std::vector<std::byte> text_bytes(const std::string& text) {
  std::vector<std::byte> bytes(text.size());
  std::memcpy(bytes.data(), text.data(), text.size());
  return bytes;
}

Acceptance accepts_tiled_matrix(const TensorInfo& weight, const ScaleLayout& layout) {
  if (weight.shape.size() != 2) {
    return {false, "not a 2-D tensor " + shape_to_string(weight.shape)};
  }
  if (!is_quantizable_source(weight.dtype)) {
    return {false, "dtype " + std::string(safetensors_name(weight.dtype)) + " is not a float"};
  }
  if (weight.elements() == 0) return {false, "empty tensor"};
  std::string mismatch = layout.tiling_mismatch(weight.shape[0], weight.shape[1]);
  return {mismatch.empty(), std::move(mismatch)};
}

void require_finite_maxima(std::span<const float> maxima, const TensorInfo& weight) {
  for (float maximum : maxima) {
    if (std::isfinite(maximum)) continue;
    const std::string beyond_f32 =
        weight.dtype == DType::F64 ? ", or values beyond the float32 range" : "";
    throw Error(ErrorCategory::input,
                "tensor '" + weight.name + "' contains NaN or infinite values" + beyond_f32);
  }
}

}  // namespace lrq::formats
