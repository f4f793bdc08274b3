// The factory of the original, adamw and radam optimizers: one schema family, one implementation.
#pragma once

#include "lrq/optimizer.hpp"
#include "lrq/plugin.hpp"
#include "settings.hpp"

namespace lrq::optimizers {

class LearnedRoundingFactory final : public OptimizerFactory {
 public:
  explicit LearnedRoundingFactory(Method method) : method_(method) {}

  std::string name() const override;
  std::string description() const override;
  OptionsSchema schema() const override { return learned_rounding_schema(method_); }
  std::unique_ptr<Optimizer> create(const Options& options) const override;

 private:
  Method method_;
};

// The register_factories function of the plugin of `method`.
template <Method method>
void register_learned_rounding(Registrar& registrar) {
  registrar.add(std::make_unique<LearnedRoundingFactory>(method));
}

}  // namespace lrq::optimizers
