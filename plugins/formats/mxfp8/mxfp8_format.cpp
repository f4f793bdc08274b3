// mxfp8: OCP microscaling FP8, float8_e4m3fn weights with one E8M0 (power of two) scale per 32
// elements along K, stored swizzled as U8; ComfyUI's `mxfp8` (comfy-kitchen's
// TensorCoreMXFP8Layout).
#include <algorithm>
#include <cmath>

#include "lrq/plugin.hpp"
#include "microscaled_format.hpp"

namespace lrq::formats {
namespace {

constexpr std::int64_t kBlock = 32;
constexpr int kE8m0Bias = 127;

// ceil(log2(value)) for a positive normal float, exactly.
int ceil_log2(float value) {
  int exponent = 0;
  const float fraction = std::frexp(value, &exponent);  // value = fraction * 2^exponent
  return fraction == 0.5f ? exponent - 1 : exponent;
}

// As comfy-kitchen's quantizer: the smallest power of two 2^e with amax / 2^e <= 448, e biased by
// 127 and clamped to [0, 254]; code 0 (scale 0) for a block of zeros.
BlockScaleCodes mx_scales(std::span<const float> maxima, float) {
  BlockScaleCodes chosen;
  chosen.codes.reserve(maxima.size());
  for (float maximum : maxima) {
    const float needed = std::max(maximum / Grid::e4m3fn().max_abs, 0x1p-127f);
    const int biased = std::clamp(ceil_log2(needed) + kE8m0Bias, 0, 254);
    chosen.codes.push_back(maximum == 0.0f ? 0 : static_cast<std::uint8_t>(biased));
  }
  return chosen;
}

MicroscaledFormatSpec mx_spec() {
  MicroscaledFormatSpec spec;
  spec.config.format = "mxfp8";
  spec.description = "mxfp8: float8_e4m3fn, E8M0 scale per 1x32 block";
  spec.element_grid = Grid::e4m3fn();
  spec.block = kBlock;
  spec.scale_grid = Grid::e8m0();
  spec.scale_dtype = DType::U8;
  spec.scale_rule = &mx_scales;
  return spec;
}

void register_mxfp8(Registrar& registrar) {
  registrar.add(std::make_unique<MicroscaledFormatFactory>(
      "mxfp8",
      "MX float8_e4m3fn weights with an E8M0 scale per 32 elements along K (ComfyUI's mxfp8; needs "
      "comfy-kitchen's MXFP8 layout, fast on Blackwell GPUs)",
      mx_spec()));
}

}  // namespace
}  // namespace lrq::formats

LRQ_PLUGIN("mxfp8", "0.1.0", "MX FP8 format (E8M0 scales per 32 elements)",
           lrq::formats::register_mxfp8)
