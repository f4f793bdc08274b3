// Learned rounding of one weight (docs/learned-rounding.md): start at
// round-to-nearest, minimize the error inside the weight's top-k singular subspace with the
// chosen method, round the best offsets once at the end.
#pragma once

#include "lrq/optimizer.hpp"
#include "settings.hpp"

namespace lrq::optimizers {

class LearnedRounding final : public Optimizer {
 public:
  explicit LearnedRounding(LearnedRoundingSettings settings) : settings_(std::move(settings)) {}

  RoundingResult optimize(const OptimizeRequest& request) override;

 private:
  LearnedRoundingSettings settings_;
};

}  // namespace lrq::optimizers
