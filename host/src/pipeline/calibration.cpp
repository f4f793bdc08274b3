#include "pipeline/calibration.hpp"

#include <cmath>
#include <span>
#include <vector>

#include "lrq/rng.hpp"
#include "seed.hpp"

namespace lrq::host {

CalibrationInputs::CalibrationInputs(Backend& backend, std::uint64_t seed, std::int64_t samples)
    : backend_(backend), seed_(seed), samples_(samples) {}

const DeviceTensor& CalibrationInputs::mean(std::int64_t width) {
  if (const auto found = cache_.find(width); found != cache_.end()) return found->second;
  Rng rng(derive_seed(seed_, "calibration/" + std::to_string(width)));
  const double spread = 1.0 / std::sqrt(static_cast<double>(samples_));
  std::vector<float> mean(static_cast<std::size_t>(width));
  for (float& value : mean)
    value = static_cast<float>(spread * rng.normal());
  DeviceTensor uploaded =
      backend_.upload(TensorView{DType::F32, {1, width}, std::as_bytes(std::span(mean))});
  return cache_.emplace(width, std::move(uploaded)).first->second;
}

}  // namespace lrq::host
