// One device as a backend uses it: the compute stream every operation runs on in order, the
// transfer stream uploads arrive on, the memory pool and the pending uploads. Every tensor's
// memory holds the context alive, so tensors may outlive the backend that made them.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>
#include <memory>

#include "cuda_resources.hpp"
#include "device_pool.hpp"
#include "lrq/tensor.hpp"
#include "upload_tracker.hpp"

namespace lrq::cuda {

class DeviceContext : public std::enable_shared_from_this<DeviceContext> {
  struct Key {
    explicit Key() = default;
  };

 public:
  static std::shared_ptr<DeviceContext> create(int device);
  DeviceContext(Key, int device);
  ~DeviceContext();
  DeviceContext(const DeviceContext&) = delete;
  DeviceContext& operator=(const DeviceContext&) = delete;

  int device() const noexcept { return device_; }
  cudaStream_t compute() const noexcept { return compute_.get(); }
  cudaStream_t transfer() const noexcept { return transfer_.get(); }
  UploadTracker& uploads() noexcept { return uploads_; }
  std::uint64_t peak_bytes() const noexcept { return pool_.peak_bytes(); }

  // Memory usable by work queued on `stream` from now on, owned by the tensor. It is freed in the
  // compute stream's order (after any upload into it), so every operation that used it, queued
  // before the last owner went, has finished by then.
  DeviceTensor allocate(DType dtype, const Shape& shape, cudaStream_t stream);

 private:
  void release(void* memory, std::size_t bytes) noexcept;

  int device_;
  Stream compute_;
  Stream transfer_;
  DevicePool pool_;
  UploadTracker uploads_;
};

}  // namespace lrq::cuda
