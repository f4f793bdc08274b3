// A format of small codes with one scale code per block of `block` consecutive elements of a row
// (along K), stored swizzled as ComfyUI's TensorCore layouts read them, optionally under a second,
// per-tensor F32 scale: the shape of mxfp8 and nvfp4. A plugin describes a variant; this does the
// rest.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "lrq/comfy_quant.hpp"
#include "lrq/format.hpp"

namespace lrq::formats {

// What a variant chose for a weight from its block maxima (finite, >= 0, row-major [rows, cols /
// block]) and the largest of them.
struct BlockScaleCodes {
  std::vector<std::uint8_t> codes;  // a scale_grid code per block
  float tensor_scale = 1.0f;        // the F32 `weight_scale_2` of two-level variants
};

using BlockScaleRule = BlockScaleCodes (*)(std::span<const float> maxima, float tensor_absmax);

struct MicroscaledFormatSpec {
  ComfyQuantConfig config;
  std::string description;
  Grid element_grid;              // the weight's codes
  bool packed_nibbles = false;    // two 4-bit codes per byte, high nibble first
  std::int64_t block = 32;        // elements per scale along a row
  Grid scale_grid;                // the block scales' codes
  DType scale_dtype = DType::U8;  // how they are tagged in the file (one byte each)
  BlockScaleRule scale_rule = nullptr;
  bool two_level = false;  // writes the rule's tensor_scale as `weight_scale_2`
};

class MicroscaledFormat final : public Format {
 public:
  explicit MicroscaledFormat(MicroscaledFormatSpec spec);

  std::string description() const override { return spec_.description; }
  std::string comfy_format() const override { return spec_.config.format; }
  Acceptance accepts(const TensorInfo& weight) const override;
  LayerPlan plan(const std::string& prefix, const TensorInfo& weight) const override;
  LayerQuantization prepare(Backend& backend, const TensorInfo& weight,
                            const DeviceTensor& weight_f32) const override;
  std::vector<EncodedTensor> encode(Backend& backend, const std::string& prefix,
                                    const DeviceTensor& grid_values,
                                    const LayerQuantization& quantization) const override;
  DeviceTensor dequantize(Backend& backend, const StoredLayer& layer) const override;

 private:
  ScaleLayout layout() const { return ScaleLayout::blocks(1, spec_.block); }
  Shape stored_weight_shape(std::int64_t rows, std::int64_t cols) const;
  // Per block, the dequantization scale: the code's value times the tensor scale.
  std::vector<float> block_scales(std::span<const std::uint8_t> codes, float tensor_scale) const;

  MicroscaledFormatSpec spec_;
};

// A variant's factory: its name, description and spec, and the one option every variant has
// (`full_precision_matrix_mult`).
class MicroscaledFormatFactory final : public FormatFactory {
 public:
  MicroscaledFormatFactory(std::string name, std::string description, MicroscaledFormatSpec spec);

  std::string name() const override { return name_; }
  std::string description() const override { return description_; }
  OptionsSchema schema() const override;
  std::unique_ptr<Format> create(const Options& options) const override;

 private:
  std::string name_;
  std::string description_;
  MicroscaledFormatSpec spec_;
};

}  // namespace lrq::formats
