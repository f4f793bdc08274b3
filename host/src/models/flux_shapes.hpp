// Key names and shapes of a Flux transformer (black-forest-labs layout) at a chosen size.
#pragma once

#include <vector>

#include "models/synthetic_model.hpp"

namespace lrq::host {

struct FluxDimensions {
  std::int64_t hidden = 3072;
  std::int64_t mlp_ratio = 4;
  std::int64_t head_dim = 128;
  std::int64_t in_channels = 64;
  std::int64_t context = 4096;
  std::int64_t pooled = 768;
  std::int64_t timestep_features = 256;
  int double_blocks = 19;
  int single_blocks = 38;
};

std::vector<SyntheticTensor> flux_tensors(const FluxDimensions& dimensions);

// The image side of double block 0 only: the benchmarks' flux-block workload.
std::vector<SyntheticTensor> flux_image_block_tensors(const FluxDimensions& dimensions);

}  // namespace lrq::host
