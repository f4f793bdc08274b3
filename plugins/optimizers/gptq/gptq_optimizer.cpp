// gptq: data-aware rounding. With the layer's input statistics H = E[xᵀx], it minimises the
// expected output error tr((W - Ŵ) H (W - Ŵ)ᵀ) on the format's grid and scales by GPTQ's
// sequential rounding with error feedback.
#include <string>

#include "hessian_factor.hpp"
#include "lrq/error.hpp"
#include "lrq/plugin.hpp"
#include "sequential_rounding.hpp"

namespace lrq::optimizers {
namespace {

struct GptqSettings {
  std::int64_t block_size = 128;
  double damp = 0.01;
  bool act_order = true;
};

std::string format_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

class Gptq final : public Optimizer {
 public:
  explicit Gptq(GptqSettings settings) : settings_(settings) {}

  RoundingResult optimize(const OptimizeRequest& request) override {
    Backend& backend = request.backend;
    const LayerQuantization& quantization = request.quantization;
    const std::int64_t cols = request.weight.shape.at(1);
    const auto round_to_nearest = [&](std::string reason) {
      return RoundingResult{backend.quantize(request.weight, quantization.multiplier,
                                             quantization.layout, quantization.grid),
                            0, std::move(reason)};
    };
    if (request.inputs == nullptr ||
        static_cast<std::int64_t>(request.inputs->diagonal.size()) != cols ||
        request.inputs->second_moment.shape != Shape{cols, cols}) {
      throw Error(ErrorCategory::internal, "gptq got no input statistics of width " +
                                               std::to_string(cols) + " for '" +
                                               request.weight_info.name + "'");
    }
    const InputStatistics& inputs = *request.inputs;
    if (std::all_of(inputs.diagonal.begin(), inputs.diagonal.end(),
                    [](float value) { return value == 0.0f; })) {
      return round_to_nearest("inputs always zero: round-to-nearest");
    }
    const std::vector<std::int64_t> order = rounding_order(inputs.diagonal, settings_.act_order);
    const std::optional<HessianFactor> factor =
        hessian_factor(backend, inputs, order, settings_.damp);
    if (!factor) {
      return round_to_nearest("H + damping not positive definite: round-to-nearest");
    }
    DeviceTensor values = sequential_rounding(backend, request.weight, quantization, factor->upper,
                                              order, settings_.block_size);
    const std::int64_t blocks = (cols + settings_.block_size - 1) / settings_.block_size;
    return {std::move(values), blocks,
            "gptq: " + std::to_string(blocks) + " blocks, damping " +
                format_number(factor->damping) +
                (factor->retries > 0 ? " (raised " + std::to_string(factor->retries) + "x)" : "")};
  }

 private:
  GptqSettings settings_;
};

class GptqFactory final : public OptimizerFactory {
 public:
  std::string name() const override { return "gptq"; }
  std::string description() const override {
    return "GPTQ: sequential rounding with error feedback that minimises the expected output "
           "error tr((W - Ŵ) H (W - Ŵ)ᵀ) from activation statistics (calibration.stats)";
  }
  OptionsSchema schema() const override {
    OptionsSchema schema;
    schema.add(OptionSpec::integer_choice(
        "block_size", {32, 64, 128, 256}, 128,
        "columns rounded per step; their error reaches the later columns in one product"));
    schema.add(OptionSpec::number(
        "damp", 0.01, "damping added to H's diagonal, as a fraction of its mean, > 0", 0.0, 10.0));
    schema.add(OptionSpec::boolean("act_order", true,
                                   "round the most active inputs (largest E[x²]) first"));
    return schema;
  }
  bool requires_input_statistics() const override { return true; }
  std::unique_ptr<Optimizer> create(const Options& options) const override {
    if (options.get_number("damp") <= 0.0) {
      throw Error(ErrorCategory::recipe, "optimizer.damp must be greater than 0, got " +
                                             to_string(options.values().at("damp")));
    }
    return std::make_unique<Gptq>(GptqSettings{
        options.get_int("block_size"), options.get_number("damp"), options.get_bool("act_order")});
  }
};

void register_gptq(Registrar& registrar) {
  registrar.add(std::make_unique<GptqFactory>());
}

}  // namespace
}  // namespace lrq::optimizers

LRQ_PLUGIN("gptq", "0.1.0", "GPTQ data-aware rounding from activation statistics",
           lrq::optimizers::register_gptq)
