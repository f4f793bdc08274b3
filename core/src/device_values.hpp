// Small host round trips of F32 device tensors, for the dense algorithms composed in core.
#pragma once

#include <cstdint>
#include <vector>

#include "lrq/backend.hpp"

namespace lrq {

std::vector<float> download_values(Backend& backend, const DeviceTensor& tensor);

DeviceTensor upload_matrix(Backend& backend, const std::vector<float>& values, std::int64_t rows,
                           std::int64_t cols);

// op(a) op(b) in a new tensor.
DeviceTensor product(Backend& backend, const DeviceTensor& a, Transpose transpose_a,
                     const DeviceTensor& b, Transpose transpose_b);
DeviceTensor product(Backend& backend, const DeviceTensor& a, const DeviceTensor& b);

}  // namespace lrq
