#include "device_context.hpp"

#include <algorithm>
#include <string>

#include "lrq/error.hpp"

namespace lrq::cuda {
namespace {

// Declared before the streams and the pool are made, which need the device current.
int activated(int device) {
  make_current(device);
  return device;
}

}  // namespace

std::shared_ptr<DeviceContext> DeviceContext::create(int device) {
  return std::make_shared<DeviceContext>(Key{}, device);
}

DeviceContext::DeviceContext(Key, int device)
    : device_(activated(device)),
      compute_(make_stream()),
      transfer_(make_stream()),
      pool_(device) {}

DeviceContext::~DeviceContext() {
  cudaStreamSynchronize(transfer_.get());
  cudaStreamSynchronize(compute_.get());
}

DeviceTensor DeviceContext::allocate(DType dtype, const Shape& shape, cudaStream_t stream) {
  if (std::any_of(shape.begin(), shape.end(), [](std::int64_t size) { return size < 0; })) {
    throw Error(ErrorCategory::internal,
                "cuda backend: a tensor of shape " + shape_to_string(shape));
  }
  DeviceTensor tensor{dtype, shape, nullptr, nullptr};
  const std::size_t bytes = tensor.bytes();
  tensor.data = pool_.allocate(bytes, stream);
  if (tensor.data != nullptr) {
    tensor.owner = std::shared_ptr<void>(
        tensor.data, [context = shared_from_this(), bytes](void* memory) noexcept {
          context->release(memory, bytes);
        });
  }
  return tensor;
}

void DeviceContext::release(void* memory, std::size_t bytes) noexcept {
  uploads_.wait_noexcept(memory, compute_.get());
  pool_.free(memory, bytes, compute_.get());
}

}  // namespace lrq::cuda
