#include "pipeline/calibration.hpp"

#include <span>
#include <vector>

#include "lrq/rng.hpp"
#include "seed.hpp"

namespace lrq::host {
namespace {

DeviceTensor upload_floats(Backend& backend, const std::vector<float>& values, const Shape& shape) {
  return backend.upload(TensorView{DType::F32, shape, std::as_bytes(std::span(values))});
}

}  // namespace

CalibrationInputs::CalibrationInputs(Backend& backend, std::uint64_t seed, std::int64_t samples)
    : backend_(backend), seed_(seed), samples_(samples) {}

const DeviceTensor& CalibrationInputs::rows(std::int64_t width) {
  return of(width).rows;
}

const DeviceTensor& CalibrationInputs::mean(std::int64_t width) {
  return of(width).mean;
}

const CalibrationInputs::Inputs& CalibrationInputs::of(std::int64_t width) {
  if (const auto found = cache_.find(width); found != cache_.end()) return found->second;
  Rng rng(derive_seed(seed_, "calibration/" + std::to_string(width)));
  std::vector<float> rows(static_cast<std::size_t>(samples_ * width));
  std::vector<double> sums(static_cast<std::size_t>(width), 0.0);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i] = static_cast<float>(rng.normal());
    sums[i % sums.size()] += rows[i];
  }
  std::vector<float> mean(sums.size());
  for (std::size_t i = 0; i < mean.size(); ++i) {
    mean[i] = static_cast<float>(sums[i] / static_cast<double>(samples_));
  }
  Inputs inputs{upload_floats(backend_, rows, {samples_, width}),
                upload_floats(backend_, mean, {1, width})};
  return cache_.emplace(width, std::move(inputs)).first->second;
}

}  // namespace lrq::host
