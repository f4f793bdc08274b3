// Synthetic calibration inputs (spec/algorithm.md section 9): for each input width, `samples` rows
// of standard normal values. Each width draws from its own seed (derived from the recipe's seed and
// the width), so the numbers do not depend on the order of the layers, unlike the reference tool.
#pragma once

#include <cstdint>
#include <map>

#include "lrq/backend.hpp"

namespace lrq::host {

class CalibrationInputs {
 public:
  CalibrationInputs(Backend& backend, std::uint64_t seed, std::int64_t samples);

  // [samples, width], on the backend; made on first use and kept.
  const DeviceTensor& rows(std::int64_t width);
  // [1, width]: the mean of the rows, accumulated in double.
  const DeviceTensor& mean(std::int64_t width);

 private:
  struct Inputs {
    DeviceTensor rows;
    DeviceTensor mean;
  };
  const Inputs& of(std::int64_t width);

  Backend& backend_;
  std::uint64_t seed_;
  std::int64_t samples_;
  std::map<std::int64_t, Inputs> cache_;
};

}  // namespace lrq::host
