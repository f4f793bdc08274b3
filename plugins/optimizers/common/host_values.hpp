// Copies of small F32 device tensors (scale cells, subspace bases) for host-side arithmetic.
#pragma once

#include <span>
#include <vector>

#include "lrq/backend.hpp"

namespace lrq::optimizers {

inline std::vector<float> download_floats(Backend& backend, const DeviceTensor& tensor) {
  std::vector<float> values(static_cast<std::size_t>(tensor.elements()));
  backend.download(tensor, std::as_writable_bytes(std::span(values)));
  return values;
}

}  // namespace lrq::optimizers
