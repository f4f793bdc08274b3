// The numbers a conversion reports per layer and the bias it corrects, computed on the backend.
#pragma once

#include <cstddef>
#include <vector>

#include "lrq/backend.hpp"
#include "lrq/optimizer.hpp"
#include "lrq/quantization.hpp"

namespace lrq::host {

// W - values * scale[cell]: the quantization error of a layer, [rows, cols].
DeviceTensor weight_error(Backend& backend, const DeviceTensor& weight, const DeviceTensor& values,
                          const LayerQuantization& quantization);

// tr(A H Aᵀ) for A [rows, cols] and inputs of second moment H [cols, cols]: the expected
// ||x Aᵀ||² of one input x. (For standard normal inputs, H = I, it is ||A||², the sum of squares.)
double output_energy(Backend& backend, const DeviceTensor& matrix, const InputStatistics& inputs);

// The bias that cancels the layer's mean output error for inputs of mean `mean_input` [1, cols]:
// b + mean(X) (W - Ŵ)ᵀ. The reference tool subtracts instead (a sign error,
// docs/learned-rounding.md, "reference_compat"); `reference_sign` reproduces it. The result has the
// bias's dtype (F32, F16 or BF16).
std::vector<std::byte> corrected_bias(Backend& backend, const TensorView& bias,
                                      const DeviceTensor& mean_input, const DeviceTensor& error,
                                      bool reference_sign);

}  // namespace lrq::host
