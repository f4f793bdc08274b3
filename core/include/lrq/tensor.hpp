// Tensor descriptions and views. A view never owns its bytes; a DeviceTensor owns memory that a
// backend allocated (host memory for cpu, GPU memory for cuda) through a type-erased owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "lrq/dtype.hpp"

namespace lrq {

using Shape = std::vector<std::int64_t>;

std::int64_t element_count(const Shape& shape) noexcept;
std::string shape_to_string(const Shape& shape);  // "[3072, 768]"

struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  Shape shape;

  std::int64_t elements() const noexcept { return element_count(shape); }
  std::size_t bytes() const noexcept {
    return static_cast<std::size_t>(elements()) * itemsize(dtype);
  }
};

// Host memory, read-only, e.g. a tensor inside a memory-mapped safetensors file.
struct TensorView {
  DType dtype = DType::F32;
  Shape shape;
  std::span<const std::byte> bytes;
};

// A tensor that lives on a backend's device. `data` is only meaningful to the backend that made
// it; everyone else moves it through that backend's upload/download.
struct DeviceTensor {
  DType dtype = DType::F32;
  Shape shape;
  void* data = nullptr;
  std::shared_ptr<void> owner;

  std::int64_t elements() const noexcept { return element_count(shape); }
  std::size_t bytes() const noexcept {
    return static_cast<std::size_t>(elements()) * itemsize(dtype);
  }
};

}  // namespace lrq
