#include <cstring>

#include "lrq/activation_stats.hpp"
#include "lrq/error.hpp"

namespace lrq {
namespace {

std::vector<std::byte> encoded(const std::vector<double>& values, DType dtype) {
  std::vector<std::byte> bytes(values.size() * itemsize(dtype));
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (dtype == DType::F64) {
      std::memcpy(bytes.data() + i * sizeof(double), &values[i], sizeof(double));
    } else {
      const auto value = static_cast<float>(values[i]);
      std::memcpy(bytes.data() + i * sizeof(float), &value, sizeof value);
    }
  }
  return bytes;
}

struct Planned {
  TensorInfo info;
  std::vector<std::byte> bytes;
};

std::vector<Planned> planned_tensors(const LayerInputStatsValues& layer, DType dtype) {
  const auto k = static_cast<std::int64_t>(layer.mean.size());
  std::vector<std::byte> count(sizeof(std::int64_t));
  std::memcpy(count.data(), &layer.count, sizeof layer.count);
  std::vector<Planned> tensors;
  tensors.push_back({{layer.key + ".count", DType::I64, {}}, std::move(count)});
  tensors.push_back({{layer.key + ".mean", dtype, {k}}, encoded(layer.mean, dtype)});
  if (layer.gram_factor.empty()) {
    tensors.push_back({{layer.key + ".gram", dtype, {k, k}}, encoded(layer.gram, dtype)});
  } else {
    tensors.push_back({{layer.key + ".gram_diag", dtype, {k}}, encoded(layer.gram_diag, dtype)});
    tensors.push_back(
        {{layer.key + ".gram_factor", dtype, {k, layer.rank}}, encoded(layer.gram_factor, dtype)});
  }
  for (const Planned& tensor : tensors) {
    if (tensor.bytes.size() != tensor.info.bytes()) {
      throw Error(ErrorCategory::internal,
                  "statistics of '" + layer.key + "': " + tensor.info.name + " has the wrong size");
    }
  }
  return tensors;
}

}  // namespace

void write_activation_stats(const std::filesystem::path& path,
                            std::span<const LayerInputStatsValues> layers,
                            const std::string& producer, std::int64_t samples, DType dtype) {
  if (dtype != DType::F32 && dtype != DType::F64) {
    throw Error(ErrorCategory::internal, "activation statistics are written as F32 or F64");
  }
  std::vector<Planned> tensors;
  for (const LayerInputStatsValues& layer : layers) {
    for (Planned& tensor : planned_tensors(layer, dtype))
      tensors.push_back(std::move(tensor));
  }
  std::vector<TensorInfo> infos;
  for (const Planned& tensor : tensors)
    infos.push_back(tensor.info);
  const Metadata metadata = {{"format", kActivationStatsFormat},
                             {"format_version", kActivationStatsVersion},
                             {"producer", producer},
                             {"samples", std::to_string(samples)}};
  SafetensorsWriter writer(path, infos, metadata);
  for (const Planned& tensor : tensors)
    writer.write(tensor.info.name, tensor.bytes);
  writer.commit();
}

}  // namespace lrq
