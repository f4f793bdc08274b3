// rtn: plain round-to-nearest onto the format's grid (the reference tool's --simple).
#include "lrq/plugin.hpp"

namespace lrq::optimizers {
namespace {

class RoundToNearest final : public Optimizer {
 public:
  RoundingResult optimize(const OptimizeRequest& request) override {
    const LayerQuantization& quantization = request.quantization;
    DeviceTensor values = request.backend.quantize(request.weight, quantization.multiplier,
                                                   quantization.layout, quantization.grid);
    return {std::move(values), 0, "round-to-nearest"};
  }
};

class RoundToNearestFactory final : public OptimizerFactory {
 public:
  std::string name() const override { return "rtn"; }
  std::string description() const override {
    return "Round to nearest (ties to even) with the format's scales; no optimization";
  }
  OptionsSchema schema() const override { return {}; }
  std::unique_ptr<Optimizer> create(const Options&) const override {
    return std::make_unique<RoundToNearest>();
  }
};

void register_rtn(Registrar& registrar) {
  registrar.add(std::make_unique<RoundToNearestFactory>());
}

}  // namespace
}  // namespace lrq::optimizers

LRQ_PLUGIN("rtn", "0.1.0", "Round-to-nearest optimizer", lrq::optimizers::register_rtn)
