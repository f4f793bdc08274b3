#include "host_memory.hpp"

#include <cstdlib>
#include <new>

namespace lrq::cpu {
namespace {

constexpr std::size_t kAlignment = 64;

}  // namespace

DeviceTensor allocate_host_tensor(DType dtype, const Shape& shape) {
  DeviceTensor tensor{dtype, shape, nullptr, nullptr};
  const std::size_t bytes = tensor.bytes();
  // aligned_alloc needs a size that is a multiple of the alignment, and at least one byte.
  const std::size_t rounded = (bytes / kAlignment + 1) * kAlignment;
  void* memory = std::aligned_alloc(kAlignment, rounded);
  if (memory == nullptr) throw std::bad_alloc();
  tensor.owner = std::shared_ptr<void>(memory, &std::free);
  tensor.data = memory;
  return tensor;
}

}  // namespace lrq::cpu
