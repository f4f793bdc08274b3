#include "models/synthetic_model.hpp"

#include <algorithm>
#include <cmath>

#include "lrq/error.hpp"
#include "lrq/rng.hpp"
#include "lrq/safetensors.hpp"
#include "models/flux_shapes.hpp"
#include "narrow_floats.hpp"
#include "recipe/suggest.hpp"
#include "seed.hpp"

namespace lrq::host {
namespace {

constexpr std::int64_t kLowRank = 16;
constexpr float kOutlierGain = 10.0f;
constexpr std::int64_t kColumnsPerOutlier = 128;

// W = (0.8 * A B / sqrt(r) + 0.3 * noise) / sqrt(cols), then a few input columns scaled up, as
// trained linear layers have a dominant low-rank part and outlier channels. Rows are generated in
// parallel, each from its own forked stream, so the bytes do not depend on the thread count.
std::vector<float> linear_weight(std::int64_t rows, std::int64_t cols, Rng& rng) {
  const std::int64_t rank = std::min({kLowRank, rows, cols});
  std::vector<float> left(static_cast<std::size_t>(rows * rank));
  std::vector<float> right(static_cast<std::size_t>(rank * cols));
  for (float& value : left)
    value = static_cast<float>(rng.normal());
  for (float& value : right)
    value = static_cast<float>(rng.normal());
  std::vector<float> column_gain(static_cast<std::size_t>(cols), 1.0f);
  for (std::int64_t i = 0; i < cols / kColumnsPerOutlier + 1; ++i) {
    column_gain[rng.next_u64() % static_cast<std::uint64_t>(cols)] = kOutlierGain;
  }
  const float low_rank_weight = 0.8f / std::sqrt(static_cast<float>(rank));
  const float normalizer = 1.0f / std::sqrt(static_cast<float>(cols));
  std::vector<float> weight(static_cast<std::size_t>(rows * cols));
#pragma omp parallel for schedule(static)
  for (std::int64_t row = 0; row < rows; ++row) {
    Rng noise = rng.fork(static_cast<std::uint64_t>(row));
    float* out = weight.data() + row * cols;
    for (std::int64_t col = 0; col < cols; ++col)
      out[col] = 0.3f * static_cast<float>(noise.normal());
    for (std::int64_t k = 0; k < rank; ++k) {
      const float a = low_rank_weight * left[static_cast<std::size_t>(row * rank + k)];
      const float* b = right.data() + k * cols;
      for (std::int64_t col = 0; col < cols; ++col)
        out[col] += a * b[col];
    }
    for (std::int64_t col = 0; col < cols; ++col) {
      out[col] *= normalizer * column_gain[static_cast<std::size_t>(col)];
    }
  }
  return weight;
}

std::vector<float> synthetic_values(const SyntheticTensor& tensor, Rng& rng) {
  if (tensor.kind == SyntheticKind::linear_weight) {
    return linear_weight(tensor.shape[0], tensor.shape[1], rng);
  }
  std::vector<float> values(static_cast<std::size_t>(element_count(tensor.shape)));
  const bool norm = tensor.kind == SyntheticKind::norm_scale;
  for (float& value : values) {
    value = static_cast<float>((norm ? 1.0 : 0.0) + (norm ? 0.1 : 0.02) * rng.normal());
  }
  return values;
}

}  // namespace

std::vector<std::string> synthetic_model_names() {
  return {"tiny-flux", "flux-block-small", "flux-block", "flux-mini", "flux-12b"};
}

SyntheticModel synthetic_model(std::string_view name) {
  if (name == "tiny-flux") {
    FluxDimensions tiny;
    tiny.hidden = 256;
    tiny.head_dim = 64;
    tiny.context = 512;
    tiny.pooled = 128;
    tiny.double_blocks = 2;
    tiny.single_blocks = 2;
    return {"tiny-flux",
            "Flux layout at hidden size 256, 2 double + 2 single blocks (7 M parameters)",
            flux_tensors(tiny)};
  }
  if (name == "flux-block-small") {
    FluxDimensions quarter;
    quarter.hidden = 768;
    return {"flux-block-small",
            "flux-block at a quarter of the width, for CPU quality runs (11 M parameters)",
            flux_image_block_tensors(quarter)};
  }
  if (name == "flux-block") {
    return {"flux-block", "one Flux double block, image side, full size (170 M parameters)",
            flux_image_block_tensors(FluxDimensions{})};
  }
  if (name == "flux-mini") {
    FluxDimensions mini;
    mini.double_blocks = 1;
    mini.single_blocks = 1;
    return {"flux-mini", "full-size Flux layout with 1 double + 1 single block (0.5 B parameters)",
            flux_tensors(mini)};
  }
  if (name == "flux-12b") {
    return {"flux-12b", "full-size Flux: 19 double + 38 single blocks (12 B parameters)",
            flux_tensors(FluxDimensions{})};
  }
  const std::vector<std::string> names = synthetic_model_names();
  throw Error(ErrorCategory::usage, "unknown model '" + std::string(name) + "'" +
                                        did_you_mean(name, names) + "; known: " + join(names));
}

void write_synthetic_model(const SyntheticModel& model, DType dtype, std::uint64_t seed,
                           const std::filesystem::path& output) {
  if (dtype != DType::F32 && dtype != DType::F16 && dtype != DType::BF16) {
    throw Error(ErrorCategory::usage, "synthetic models are F32, F16 or BF16");
  }
  std::vector<TensorInfo> plan;
  for (const SyntheticTensor& tensor : model.tensors)
    plan.push_back({tensor.name, dtype, tensor.shape});
  SafetensorsWriter writer(output, plan, {{"lrq_synthetic_model", model.name}});
  for (const SyntheticTensor& tensor : model.tensors) {
    Rng rng(derive_seed(seed, tensor.name));
    writer.write(tensor.name, narrow_floats(synthetic_values(tensor, rng), dtype));
  }
  writer.commit();
}

}  // namespace lrq::host
