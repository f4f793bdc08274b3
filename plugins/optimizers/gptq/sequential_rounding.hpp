// GPTQ (Frantar et al. 2022): the columns of W are rounded one after another, each column's error
// spread over the columns not yet rounded through U, so that tr((W - Ŵ) H (W - Ŵ)ᵀ) stays small.
// Blocks of columns are rounded by the backend's round_with_feedback; the error of a block reaches
// the later columns in one matrix product ("lazy batches").
#pragma once

#include <cstdint>
#include <vector>

#include "lrq/backend.hpp"

namespace lrq::optimizers {

// Grid values [rows, cols] of the weight, in its own column order. `order` is the order in which
// the columns are rounded, `upper` the factor of hessian_factor for that order.
DeviceTensor sequential_rounding(Backend& backend, const DeviceTensor& weight,
                                 const LayerQuantization& quantization, const DeviceTensor& upper,
                                 const std::vector<std::int64_t>& order, std::int64_t block_size);

}  // namespace lrq::optimizers
