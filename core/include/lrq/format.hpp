// A quantized format: which weights it accepts, how it chooses scales, and exactly which tensors
// (names, dtypes, shapes, `.comfy_quant`) it writes for a layer. The backend does the arithmetic.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "lrq/backend.hpp"
#include "lrq/factory.hpp"
#include "lrq/quantization.hpp"
#include "lrq/tensor.hpp"

namespace lrq {

struct Acceptance {
  bool accepted = false;
  std::string reason;  // when not accepted, e.g. "3070 is not divisible by block size 128"
};

// What a format writes for one layer.
struct LayerPlan {
  std::vector<TensorInfo> tensors;  // in file order, with their exact dtypes and shapes
  std::string comfy_quant_json;     // the text of `<prefix>.comfy_quant`
};

struct EncodedTensor {
  TensorInfo info;
  std::vector<std::byte> bytes;
};

// A quantized layer as stored in a file: its `.comfy_quant` JSON and its tensors by suffix
// ("weight", "weight_scale", "input_scale").
struct StoredLayer {
  std::string prefix;
  std::string comfy_quant_json;
  std::map<std::string, TensorView> tensors;
};

class Format {
 public:
  virtual ~Format() = default;

  virtual std::string description() const = 0;   // "float8_e4m3fn, per-tensor scale"
  virtual std::string comfy_format() const = 0;  // the "format" written in .comfy_quant

  virtual Acceptance accepts(const TensorInfo& weight) const = 0;

  // What is written for the layer `prefix` (the weight key without ".weight"). Only called for
  // accepted weights.
  virtual LayerPlan plan(const std::string& prefix, const TensorInfo& weight) const = 0;

  // Chooses the scales for an F32 weight [rows, cols] on the backend. Throws lrq::Error (input)
  // naming the tensor if it holds NaN or infinity.
  virtual LayerQuantization prepare(Backend& backend, const TensorInfo& weight,
                                    const DeviceTensor& weight_f32) const = 0;

  // The tensors of plan(), filled: codes from the grid values, scales, `.comfy_quant`.
  virtual std::vector<EncodedTensor> encode(Backend& backend, const std::string& prefix,
                                            const DeviceTensor& grid_values,
                                            const LayerQuantization& quantization) const = 0;

  // The F32 weight [rows, cols] that a stored layer of one of this factory's formats stands for.
  // Throws lrq::Error (input) naming the tensor when the layer does not follow the format.
  virtual DeviceTensor dequantize(Backend& backend, const StoredLayer& layer) const = 0;
};

class FormatFactory : public Factory<Format> {};

}  // namespace lrq
