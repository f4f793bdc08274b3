#include "transfers.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "cuda_check.hpp"
#include "lrq/error.hpp"

namespace lrq::cuda {
namespace {

// Large enough to keep a DMA engine busy, small enough that the host copy of the next chunk
// overlaps the transfer of this one; 4 slots are 32 MiB of pinned memory.
constexpr std::size_t kChunkBytes = std::size_t{8} << 20;
constexpr std::size_t kUploadSlots = 4;

std::size_t chunk_length(std::size_t total, std::size_t chunk) {
  return std::min(kChunkBytes, total - chunk * kChunkBytes);
}

}  // namespace

DeviceTensor Uploader::upload(const TensorView& host) {
  const std::size_t expected =
      static_cast<std::size_t>(element_count(host.shape)) * itemsize(host.dtype);
  if (host.bytes.size() != expected) {
    throw Error(ErrorCategory::internal,
                "cuda backend: upload of " + std::to_string(host.bytes.size()) +
                    " bytes for a tensor of " + std::to_string(expected) + " bytes");
  }
  DeviceTensor tensor = context_.allocate(host.dtype, host.shape, context_.transfer());
  if (host.bytes.empty()) return tensor;
  try {
    copy(host.bytes, static_cast<std::byte*>(tensor.data));
    Event copied = make_event();
    LRQ_CUDA_CHECK(cudaEventRecord(copied.get(), context_.transfer()));
    context_.uploads().add(tensor.data, std::move(copied));
  } catch (...) {
    // The tensor is freed on the compute stream, which knows nothing of copies already queued.
    cudaStreamSynchronize(context_.transfer());
    throw;
  }
  return tensor;
}

Uploader::StagingSlot& Uploader::next_slot() {
  if (slots_.size() < kUploadSlots && next_ == slots_.size()) {
    slots_.push_back({make_pinned(kChunkBytes), make_event()});
  }
  StagingSlot& slot = slots_[next_];
  next_ = (next_ + 1) % kUploadSlots;
  return slot;
}

void Uploader::copy(std::span<const std::byte> host, std::byte* device) {
  const std::lock_guard lock(mutex_);
  const std::size_t chunks = (host.size() + kChunkBytes - 1) / kChunkBytes;
  for (std::size_t chunk = 0; chunk < chunks; ++chunk) {
    const std::size_t offset = chunk * kChunkBytes;
    const std::size_t length = chunk_length(host.size(), chunk);
    StagingSlot& slot = next_slot();
    LRQ_CUDA_CHECK(cudaEventSynchronize(slot.done.get()));  // its previous copy has finished
    std::memcpy(slot.memory.get(), host.data() + offset, length);
    LRQ_CUDA_CHECK(cudaMemcpyAsync(device + offset, slot.memory.get(), length,
                                   cudaMemcpyHostToDevice, context_.transfer()));
    LRQ_CUDA_CHECK(cudaEventRecord(slot.done.get(), context_.transfer()));
  }
}

void download_to_host(const void* device, std::span<std::byte> host, cudaStream_t stream) {
  if (host.empty()) return;
  LRQ_CUDA_CHECK(cudaMemcpyAsync(host.data(), device, host.size(), cudaMemcpyDeviceToHost, stream));
  LRQ_CUDA_CHECK(cudaStreamSynchronize(stream));
}

}  // namespace lrq::cuda
