// Models that lrq generates itself, with realistic structure (a low-rank part, noise, a few outlier
// input columns), for the README demo, tests and benchmarks. Nothing large is ever committed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lrq/tensor.hpp"

namespace lrq::host {

enum class SyntheticKind { linear_weight, bias, norm_scale };

struct SyntheticTensor {
  std::string name;
  Shape shape;
  SyntheticKind kind = SyntheticKind::linear_weight;
};

struct SyntheticModel {
  std::string name;
  std::string description;
  std::vector<SyntheticTensor> tensors;  // sorted by name, as safetensors writers order them
};

std::vector<std::string> synthetic_model_names();
// Throws lrq::Error (usage) listing the known names.
SyntheticModel synthetic_model(std::string_view name);

// Streams the model into a safetensors file of the given float dtype (F32, F16 or BF16), one
// tensor at a time; the same seed gives the same bytes.
void write_synthetic_model(const SyntheticModel& model, DType dtype, std::uint64_t seed,
                           const std::filesystem::path& output);

}  // namespace lrq::host
