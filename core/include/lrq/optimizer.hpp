// An optimizer chooses the quantized values of one weight: plain round-to-nearest, or learned
// rounding. It works only through the backend.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lrq/backend.hpp"
#include "lrq/factory.hpp"
#include "lrq/quantization.hpp"
#include "lrq/tensor.hpp"

namespace lrq {

// What a layer's inputs looked like, from an activation statistics file (the recipe's
// calibration.stats), for data-aware optimizers: the expected output error of a rounding Ŵ is
// tr((W - Ŵ) H (W - Ŵ)ᵀ).
struct InputStatistics {
  DeviceTensor second_moment;   // H = E[xᵀx], F32 [cols, cols], symmetric positive semi-definite
  std::vector<float> diagonal;  // diag(H), on the host
  std::int64_t count = 0;       // input vectors behind H
};

struct OptimizeRequest {
  Backend& backend;
  const TensorInfo& weight_info;
  const DeviceTensor& weight;  // F32 [rows, cols]
  const LayerQuantization& quantization;
  std::uint64_t seed;  // this layer's seed, derived from the recipe's
  // Reproduce the reference tool's defects (docs/learned-rounding.md: the update multiplying where
  // the gradient divides, the "best" result recorded after the step) instead of correcting them.
  bool reference_compat = false;
  // The layer's input statistics, when the recipe has some for it; never null for an optimizer
  // whose factory requires them.
  const InputStatistics* inputs = nullptr;
};

struct RoundingResult {
  DeviceTensor grid_values;  // F32 [rows, cols], every value exactly on the grid
  std::int64_t iterations = 0;
  std::string stop_reason;  // e.g. "round-to-nearest", "lr below early_stop_lr"
  std::int64_t rank = 0;    // k of the singular subspace the loss lives in; 0 without one
  // ||U_kᵀ(W - Ŵ)V_k|| / ||U_kᵀ W V_k|| for round-to-nearest and for the result (after its final
  // rounding); only meaningful when rank > 0.
  double projected_error_rtn = 0.0;
  double projected_error = 0.0;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual RoundingResult optimize(const OptimizeRequest& request) = 0;
};

class OptimizerFactory : public Factory<Optimizer> {
 public:
  // Whether optimize() needs OptimizeRequest::inputs. The host then refuses a recipe without
  // activation statistics, and rounds a layer that has none as the recipe's calibration.missing
  // says.
  virtual bool requires_input_statistics() const { return false; }
};

}  // namespace lrq
