#include "pipeline/layer_evaluation.hpp"

#include <cmath>
#include <span>

#include "lrq/error.hpp"
#include "lrq/float_convert.hpp"
#include "narrow_floats.hpp"

namespace lrq::host {
namespace {

std::vector<float> download_floats(Backend& backend, const DeviceTensor& tensor) {
  std::vector<float> values(static_cast<std::size_t>(tensor.elements()));
  backend.download(tensor, std::as_writable_bytes(std::span(values)));
  return values;
}

}  // namespace

DeviceTensor weight_error(Backend& backend, const DeviceTensor& weight, const DeviceTensor& values,
                          const LayerQuantization& quantization) {
  DeviceTensor error = backend.dequantize(values, quantization.scale, quantization.layout);
  backend.axpby(1.0f, weight, -1.0f, error);
  return error;
}

double output_energy(Backend& backend, const DeviceTensor& matrix, const InputStatistics& inputs) {
  DeviceTensor weighted = backend.zeros(matrix.shape);
  backend.gemm(1.0f, matrix, Transpose::no, inputs.second_moment, Transpose::no, 0.0f, weighted);
  return backend.dot(weighted, matrix);
}

std::vector<std::byte> corrected_bias(Backend& backend, const TensorView& bias,
                                      const DeviceTensor& mean_input, const DeviceTensor& error,
                                      bool reference_sign) {
  if (bias.dtype != DType::F32 && bias.dtype != DType::F16 && bias.dtype != DType::BF16) {
    throw Error(ErrorCategory::internal, "bias correction of a non-float bias");
  }
  DeviceTensor shift = backend.zeros({1, error.shape[0]});
  backend.gemm(1.0f, mean_input, Transpose::no, error, Transpose::yes, 0.0f, shift);
  const std::vector<float> delta = download_floats(backend, shift);
  std::vector<float> corrected(delta.size());
  widen_to_f32(bias.dtype, bias.bytes.data(), corrected.data(), corrected.size());
  const float sign = reference_sign ? -1.0f : 1.0f;
  for (std::size_t i = 0; i < corrected.size(); ++i)
    corrected[i] += sign * delta[i];
  return narrow_floats(corrected, bias.dtype);
}

}  // namespace lrq::host
