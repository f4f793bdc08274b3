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
  std::vector<float> rows(static_cast<std::size_t>(samples_ * width));
  fill_normal_rows(Rng(derive_seed(seed_, "calibration/" + std::to_string(width))), rows, width);
  // Each column's sum in row order: the same mean whatever the thread count.
  std::vector<float> mean(static_cast<std::size_t>(width));
#pragma omp parallel for schedule(static)
  for (std::int64_t col = 0; col < width; ++col) {
    double sum = 0.0;
    for (std::int64_t row = 0; row < samples_; ++row) {
      sum += rows[static_cast<std::size_t>(row * width + col)];
    }
    mean[static_cast<std::size_t>(col)] = static_cast<float>(sum / static_cast<double>(samples_));
  }
  Inputs inputs{upload_floats(backend_, rows, {samples_, width}),
                upload_floats(backend_, mean, {1, width})};
  return cache_.emplace(width, std::move(inputs)).first->second;
}

}  // namespace lrq::host
