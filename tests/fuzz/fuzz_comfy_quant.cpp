// A layer's `.comfy_quant` bytes; what parses must write back as JSON that parses to the same.
#include "fuzz_support.hpp"
#include "lrq/comfy_quant.hpp"

namespace {

void parse_config(std::span<const std::uint8_t> bytes) {
  const lrq::ComfyQuantConfig config =
      lrq::ComfyQuantConfig::parse(lrq::fuzz::as_text(bytes), "layer.comfy_quant");
  const lrq::ComfyQuantConfig again = lrq::ComfyQuantConfig::parse(config.to_json(), "round trip");
  if (again.format != config.format || again.group_size != config.group_size ||
      again.full_precision_matrix_mult != config.full_precision_matrix_mult ||
      again.per_row != config.per_row) {
    std::abort();
  }
  static_cast<void>(lrq::loads_in_stock_comfyui(config.format));
  static_cast<void>(lrq::comfyui_builds(config.format));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lrq::fuzz::expect_clean_refusal(parse_config, {data, size});
  return 0;
}
