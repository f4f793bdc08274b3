// An activation statistics file (docs/activation-stats.md): its structure, then every layer's
// values and the lookups the converter makes.
#include "fuzz_support.hpp"
#include "lrq/activation_stats.hpp"

namespace {

void read_stats(std::span<const std::uint8_t> bytes) {
  const lrq::ActivationStats stats(lrq::fuzz::write_input_file("stats.safetensors", bytes));
  for (const lrq::LayerInputStats& layer : stats.layers()) {
    static_cast<void>(stats.find(layer.key));
    static_cast<void>(stats.find("model.diffusion_model." + layer.key));
    stats.check_values(layer);
    const auto width = static_cast<std::size_t>(layer.width);
    if (stats.mean(layer).size() != width || stats.diagonal(layer).size() != width) std::abort();
    // Only the compact form has a residual (as the converter reads it).
    if (layer.compact() && stats.residual_diagonal(layer).size() != width) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lrq::fuzz::expect_clean_refusal(read_stats, {data, size});
  return 0;
}
