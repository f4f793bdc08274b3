// Tensors in host memory for the cpu backend: 64-byte aligned, owned through DeviceTensor::owner.
#pragma once

#include "lrq/tensor.hpp"

namespace lrq::cpu {

DeviceTensor allocate_host_tensor(DType dtype, const Shape& shape);

template <class T>
T* data_of(const DeviceTensor& tensor) noexcept {
  return static_cast<T*>(tensor.data);
}

}  // namespace lrq::cpu
