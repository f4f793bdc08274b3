// Stream-ordered device memory from a memory pool of the backend's own. Freed blocks stay in the
// pool for the next allocation instead of going back to the driver, so the same few sizes that a
// conversion asks for layer after layer cost no cudaMalloc each time.
#pragma once

#include <cuda_runtime_api.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace lrq::cuda {

class DevicePool {
 public:
  explicit DevicePool(int device);
  ~DevicePool();
  DevicePool(const DevicePool&) = delete;
  DevicePool& operator=(const DevicePool&) = delete;

  // Memory usable by work queued on `stream` after this call (nullptr for 0 bytes).
  void* allocate(std::size_t bytes, cudaStream_t stream);
  // Returns the memory once the work queued on `stream` so far has finished.
  void free(void* memory, std::size_t bytes, cudaStream_t stream) noexcept;

  // Bytes handed out and not freed yet; the most there ever were.
  std::uint64_t live_bytes() const noexcept { return live_.load(); }
  std::uint64_t peak_bytes() const noexcept { return peak_.load(); }

 private:
  void* try_allocate(std::size_t bytes, cudaStream_t stream, cudaError_t& status) noexcept;

  cudaMemPool_t pool_ = nullptr;
  std::atomic<std::uint64_t> live_{0};
  std::atomic<std::uint64_t> peak_{0};
};

}  // namespace lrq::cuda
