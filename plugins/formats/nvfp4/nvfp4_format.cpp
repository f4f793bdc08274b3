// nvfp4: NVIDIA FP4, e2m1 weights packed two per byte with one float8_e4m3fn scale per 16
// elements along K (stored swizzled) under an F32 per-tensor scale; ComfyUI's `nvfp4`
// (comfy-kitchen's TensorCoreNVFP4Layout).
#include <algorithm>

#include "lrq/grid_arithmetic.hpp"
#include "lrq/plugin.hpp"
#include "microscaled_format.hpp"

namespace lrq::formats {
namespace {

constexpr std::int64_t kBlock = 16;

// As comfy-kitchen's quantizer: the tensor scale amax / (448 * 6); each block's scale
// (amax_block / 6) / tensor scale, clamped to 448 and rounded to the nearest e4m3fn value. An
// all-zero weight keeps a tensor scale of 1 (and zero block scales) instead of dividing by zero.
BlockScaleCodes nv_scales(std::span<const float> maxima, float tensor_absmax) {
  const Grid element = Grid::e2m1();
  const Grid scale_grid = Grid::e4m3fn();
  BlockScaleCodes chosen;
  chosen.tensor_scale =
      tensor_absmax > 0.0f ? tensor_absmax / (scale_grid.max_abs * element.max_abs) : 1.0f;
  chosen.codes.reserve(maxima.size());
  for (float maximum : maxima) {
    const float wanted =
        std::min(maximum / element.max_abs / chosen.tensor_scale, scale_grid.max_abs);
    const float rounded = grid_arithmetic::round_onto(scale_grid, wanted);
    chosen.codes.push_back(static_cast<std::uint8_t>(grid_arithmetic::encode(scale_grid, rounded)));
  }
  return chosen;
}

MicroscaledFormatSpec nv_spec() {
  MicroscaledFormatSpec spec;
  spec.config.format = "nvfp4";
  spec.description = "nvfp4: e2m1, float8_e4m3fn scale per 1x16 block, F32 tensor scale";
  spec.element_grid = Grid::e2m1();
  spec.packed_nibbles = true;
  spec.block = kBlock;
  spec.scale_grid = Grid::e4m3fn();
  spec.scale_dtype = DType::F8_E4M3;
  spec.scale_rule = &nv_scales;
  spec.two_level = true;
  return spec;
}

void register_nvfp4(Registrar& registrar) {
  registrar.add(std::make_unique<MicroscaledFormatFactory>(
      "nvfp4",
      "NVIDIA FP4: e2m1 weights, a float8_e4m3fn scale per 16 elements along K and an F32 tensor "
      "scale (ComfyUI's nvfp4; fast on Blackwell GPUs, dequantized elsewhere)",
      nv_spec()));
}

}  // namespace
}  // namespace lrq::formats

LRQ_PLUGIN("nvfp4", "0.1.0", "NVIDIA FP4 format (e2m1, e4m3 scales per 16 elements)",
           lrq::formats::register_nvfp4)
