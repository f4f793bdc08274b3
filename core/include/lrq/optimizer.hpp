// An optimizer chooses the quantized values of one weight: plain round-to-nearest, or learned
// rounding. It works only through the backend.
#pragma once

#include <cstdint>
#include <string>

#include "lrq/backend.hpp"
#include "lrq/factory.hpp"
#include "lrq/quantization.hpp"
#include "lrq/tensor.hpp"

namespace lrq {

struct OptimizeRequest {
  Backend& backend;
  const TensorInfo& weight_info;
  const DeviceTensor& weight;  // F32 [rows, cols]
  const LayerQuantization& quantization;
  std::uint64_t seed;  // this layer's seed, derived from the recipe's
};

struct RoundingResult {
  DeviceTensor grid_values;  // F32 [rows, cols], every value exactly on the grid
  std::int64_t iterations = 0;
  std::string stop_reason;  // e.g. "round-to-nearest", "lr below early_stop_lr"
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual RoundingResult optimize(const OptimizeRequest& request) = 0;
};

class OptimizerFactory : public Factory<Optimizer> {};

}  // namespace lrq
