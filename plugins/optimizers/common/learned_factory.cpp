#include "learned_factory.hpp"

#include "learned_rounding.hpp"

namespace lrq::optimizers {

std::string LearnedRoundingFactory::name() const {
  switch (method_) {
    case Method::original:
      return "original";
    case Method::adamw:
      return "adamw";
    case Method::radam:
      return "radam";
  }
  return {};
}

std::string LearnedRoundingFactory::description() const {
  const std::string goal =
      "learned rounding: minimizes the rounding error inside the weight's top-k singular "
      "subspace, starting from round-to-nearest";
  switch (method_) {
    case Method::original:
      return "The reference tool's gradient descent; " + goal;
    case Method::adamw:
      return "AdamW (torch.optim defaults) on the rounding offsets; " + goal;
    case Method::radam:
      return "RAdam (torch.optim defaults) on the rounding offsets; " + goal;
  }
  return {};
}

std::unique_ptr<Optimizer> LearnedRoundingFactory::create(const Options& options) const {
  return std::make_unique<LearnedRounding>(read_settings(method_, options));
}

}  // namespace lrq::optimizers
