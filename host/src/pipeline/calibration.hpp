// The mean of synthetic calibration inputs (docs/learned-rounding.md), for the bias correction
// of layers without activation statistics: for each input width, the mean of `samples` rows of
// standard normal values, drawn directly as N(0, 1/samples) per column (the same distribution as
// averaging the rows, without making them). Each width draws from its own seed (derived from the
// recipe's seed and the width), so the numbers do not depend on the order of the layers.
#pragma once

#include <cstdint>
#include <map>

#include "lrq/backend.hpp"

namespace lrq::host {

class CalibrationInputs {
 public:
  CalibrationInputs(Backend& backend, std::uint64_t seed, std::int64_t samples);

  // [1, width], on the backend; made on first use and kept.
  const DeviceTensor& mean(std::int64_t width);

 private:
  Backend& backend_;
  std::uint64_t seed_;
  std::int64_t samples_;
  std::map<std::int64_t, DeviceTensor> cache_;
};

}  // namespace lrq::host
