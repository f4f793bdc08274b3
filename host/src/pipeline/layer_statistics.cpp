#include "pipeline/layer_statistics.hpp"

#include <span>

#include "lrq/stages.hpp"
#include "pipeline/mapped_read.hpp"

namespace lrq::host {

FetchedStatistics fetch_statistics(Backend& backend, const StatisticsSource& source) {
  const ActivationStats& file = *source.file;
  const LayerInputStats& layer = *source.layer;
  file.check_values(layer);
  FetchedStatistics fetched;
  fetched.count = layer.count;
  fetched.mean = file.mean(layer);
  fetched.diagonal = file.diagonal(layer);
  const SafetensorsEntry& stored = layer.compact() ? *layer.gram_factor : *layer.gram;
  const TensorView bytes = read_mapped(file.reader().view(stored));
  const StageScope stage(Stage::upload);
  fetched.stored = backend.upload(bytes);
  if (layer.compact()) {
    const std::vector<float> residual = file.residual_diagonal(layer);
    fetched.residual =
        backend.upload(TensorView{DType::F32, {layer.width}, std::as_bytes(std::span(residual))});
  }
  file.reader().release(stored);
  return fetched;
}

InputStatistics assemble_statistics(Backend& backend, const FetchedStatistics& fetched) {
  InputStatistics inputs{{}, fetched.diagonal, fetched.count};
  const DeviceTensor stored = backend.to_f32(fetched.stored);
  if (fetched.residual.shape.empty()) {
    inputs.second_moment = stored;
    return inputs;
  }
  const std::int64_t width = stored.shape[0];
  inputs.second_moment = backend.zeros({width, width});
  backend.gemm(1.0f, stored, Transpose::no, stored, Transpose::yes, 0.0f, inputs.second_moment);
  backend.add_diagonal(inputs.second_moment, fetched.residual);
  return inputs;
}

}  // namespace lrq::host
