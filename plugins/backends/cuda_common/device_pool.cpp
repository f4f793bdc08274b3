#include "device_pool.hpp"

#include <limits>
#include <string>

#include "cuda_check.hpp"
#include "lrq/error.hpp"

namespace lrq::cuda {

DevicePool::DevicePool(int device) {
  cudaMemPoolProps properties{};
  properties.allocType = cudaMemAllocationTypePinned;
  properties.location.type = cudaMemLocationTypeDevice;
  properties.location.id = device;
  LRQ_CUDA_CHECK(cudaMemPoolCreate(&pool_, &properties));
  // Keep every freed block cached: the pool is this backend's alone, and memory goes back to the
  // driver only when the pool is trimmed after a failed allocation, or destroyed.
  std::uint64_t threshold = std::numeric_limits<std::uint64_t>::max();
  const cudaError_t status =
      cudaMemPoolSetAttribute(pool_, cudaMemPoolAttrReleaseThreshold, &threshold);
  if (status != cudaSuccess) {
    cudaMemPoolDestroy(pool_);
    LRQ_CUDA_CHECK(status);
  }
}

DevicePool::~DevicePool() {
  // With allocations still outstanding, the pool goes once they are freed.
  cudaMemPoolDestroy(pool_);
}

void* DevicePool::try_allocate(std::size_t bytes, cudaStream_t stream,
                               cudaError_t& status) noexcept {
  void* memory = nullptr;
  status = cudaMallocFromPoolAsync(&memory, bytes, pool_, stream);
  return status == cudaSuccess ? memory : nullptr;
}

void* DevicePool::allocate(std::size_t bytes, cudaStream_t stream) {
  if (bytes == 0) return nullptr;
  cudaError_t status = cudaSuccess;
  void* memory = try_allocate(bytes, stream, status);
  if (status == cudaErrorMemoryAllocation) {
    // Cached blocks of other sizes may be what is missing: wait until pending frees have
    // happened, hand every unused block back to the driver and try once more.
    cudaGetLastError();
    LRQ_CUDA_CHECK(cudaDeviceSynchronize());
    LRQ_CUDA_CHECK(cudaMemPoolTrimTo(pool_, 0));
    memory = try_allocate(bytes, stream, status);
  }
  if (status == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    throw Error(ErrorCategory::unsupported,
                "CUDA: out of device memory allocating " + std::to_string(bytes) + " bytes (" +
                    std::to_string(live_bytes()) + " bytes in use by this backend)");
  }
  LRQ_CUDA_CHECK(status);
  const std::uint64_t live = live_.fetch_add(bytes) + bytes;
  std::uint64_t peak = peak_.load();
  while (live > peak && !peak_.compare_exchange_weak(peak, live)) {
  }
  return memory;
}

void DevicePool::free(void* memory, std::size_t bytes, cudaStream_t stream) noexcept {
  if (memory == nullptr) return;
  // Fails only when the runtime is already shutting down, which releases the memory anyway.
  cudaFreeAsync(memory, stream);
  live_.fetch_sub(bytes);
}

}  // namespace lrq::cuda
