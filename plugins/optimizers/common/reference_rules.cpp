#include "reference_rules.hpp"

#include <algorithm>
#include <span>
#include <vector>

#include "host_values.hpp"

namespace lrq::optimizers {
namespace {

DeviceTensor upload_cells(Backend& backend, const std::vector<float>& values, const Shape& shape) {
  return backend.upload(TensorView{DType::F32, shape, std::as_bytes(std::span(values))});
}

}  // namespace

DeviceTensor descent_weights(Backend& backend, const LayerQuantization& quantization,
                             double weight_absmax, bool reference_compat) {
  const bool per_tensor = quantization.layout.granularity == ScaleGranularity::tensor;
  const Shape& cells = quantization.scale.shape;
  if (reference_compat) {
    if (quantization.grid.family == GridFamily::minifloat || per_tensor)
      return quantization.multiplier;
    const double global = quantization.grid.max_abs / std::max(weight_absmax, 1e-12);
    return upload_cells(backend,
                        std::vector<float>(static_cast<std::size_t>(element_count(cells)),
                                           static_cast<float>(global)),
                        cells);
  }
  // Every cell covers as many elements (rows, or whole tiles), so the mean over the weight is the
  // mean over the cells.
  std::vector<float> weights = download_floats(backend, quantization.scale);
  double mean_square = 0.0;
  for (float scale : weights)
    mean_square += static_cast<double>(scale) * scale;
  mean_square /= static_cast<double>(weights.size());
  for (float& weight : weights)
    weight = static_cast<float>(weight / mean_square);
  return upload_cells(backend, weights, cells);
}

bool error_follows_gradient(const LayerQuantization& quantization, bool reference_compat) {
  // w ⊙ scale: 1 / scale ⊙ scale per tensor; multiplier ⊙ scale = 1 for the reference's fp8.
  if (quantization.layout.granularity == ScaleGranularity::tensor) return true;
  return reference_compat && quantization.grid.family == GridFamily::minifloat;
}

ScheduleRules schedule_rules(Method method, const LayerQuantization& quantization) {
  const bool moments = method != Method::original;
  // The reference's int8 per-row and per-block adamw/radam use the plain lr_factor.
  const bool int8_cells = quantization.grid.family == GridFamily::integer &&
                          quantization.layout.granularity != ScaleGranularity::tensor;
  return {moments, !moments, !(moments && int8_cells)};
}

LoopOrder loop_order(Method method, bool reference_compat) {
  const bool moments = method != Method::original;
  return {moments, moments && reference_compat};
}

}  // namespace lrq::optimizers
