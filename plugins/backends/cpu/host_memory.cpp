#include "host_memory.hpp"

#include <cstdlib>
#include <new>

namespace lrq::cpu {
namespace {

constexpr std::size_t kAlignment = 64;
// Smaller buffers come from the allocator's arenas, which already reuse memory without faults.
constexpr std::size_t kPooledFrom = std::size_t{1} << 20;

// A request takes a cached buffer at most this many times its size, so that small requests do not
// hold on to the largest buffers.
constexpr std::size_t kMaxOversize = 2;

// aligned_alloc needs a multiple of the alignment, and at least one byte.
std::size_t rounded_size(std::size_t bytes) {
  return (bytes / kAlignment + 1) * kAlignment;
}

void* allocate_aligned(std::size_t bytes) {
  void* memory = std::aligned_alloc(kAlignment, bytes);
  if (memory == nullptr) throw std::bad_alloc();
  return memory;
}

}  // namespace

HostBufferPool::~HostBufferPool() {
  for (const Cached& buffer : cached_)
    std::free(buffer.memory);
}

DeviceTensor HostBufferPool::allocate(DType dtype, const Shape& shape) {
  DeviceTensor tensor{dtype, shape, nullptr, nullptr};
  std::size_t bytes = rounded_size(tensor.bytes());
  if (bytes < kPooledFrom) {
    tensor.data = allocate_aligned(bytes);
    tensor.owner = std::shared_ptr<void>(tensor.data, &std::free);
    return tensor;
  }
  void* memory = take(bytes);
  tensor.data = memory != nullptr ? memory : allocate_aligned(bytes);
  tensor.owner = std::shared_ptr<void>(
      tensor.data,
      [pool = shared_from_this(), bytes](void* released) { pool->give_back(released, bytes); });
  return tensor;
}

// The smallest cached buffer that holds `bytes` (then `bytes` becomes its size), or null.
void* HostBufferPool::take(std::size_t& bytes) {
  std::lock_guard lock(mutex_);
  auto best = cached_.end();
  for (auto it = cached_.begin(); it != cached_.end(); ++it) {
    const bool fits = it->bytes >= bytes && it->bytes <= kMaxOversize * bytes;
    if (fits && (best == cached_.end() || it->bytes < best->bytes)) best = it;
  }
  if (best == cached_.end()) return nullptr;
  void* memory = best->memory;
  bytes = best->bytes;
  cached_bytes_ -= bytes;
  cached_.erase(best);
  return memory;
}

void HostBufferPool::give_back(void* memory, std::size_t bytes) noexcept {
  std::lock_guard lock(mutex_);
  if (bytes > limit_) {
    std::free(memory);
    return;
  }
  while (cached_bytes_ + bytes > limit_) {  // evict the least recently released
    std::free(cached_.back().memory);
    cached_bytes_ -= cached_.back().bytes;
    cached_.pop_back();
  }
  try {
    cached_.push_front({bytes, memory});
    cached_bytes_ += bytes;
  } catch (...) {
    std::free(memory);
  }
}

}  // namespace lrq::cpu
