// The numbers a conversion reports per layer and the bias it corrects, computed on the backend.
#pragma once

#include <cstddef>
#include <vector>

#include "lrq/backend.hpp"
#include "lrq/quantization.hpp"

namespace lrq::host {

// W - values * scale[cell]: the quantization error of a layer, [rows, cols].
DeviceTensor weight_error(Backend& backend, const DeviceTensor& weight, const DeviceTensor& values,
                          const LayerQuantization& quantization);

// ||X Aᵀ||_F for calibration rows X [samples, cols] and A [rows, cols].
double output_norm(Backend& backend, const DeviceTensor& inputs, const DeviceTensor& matrix);

// The bias that cancels the layer's mean output error on the calibration inputs:
// b + mean(X) (W - Ŵ)ᵀ. The reference tool subtracts instead (a sign error, spec/algorithm.md
// section 9); `reference_sign` reproduces it. The result has the bias's dtype (F32, F16 or BF16).
std::vector<std::byte> corrected_bias(Backend& backend, const TensorView& bias,
                                      const DeviceTensor& mean_input, const DeviceTensor& error,
                                      bool reference_sign);

}  // namespace lrq::host
