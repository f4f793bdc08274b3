// Tensors in host memory for the cpu backend, 64-byte aligned, from a pool that recycles buffers:
// a conversion asks for the same few sizes layer after layer, and fresh memory for a large layer
// costs more in page faults than the arithmetic on it.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>

#include "lrq/tensor.hpp"

namespace lrq::cpu {

class HostBufferPool : public std::enable_shared_from_this<HostBufferPool> {
  struct Key {
    explicit Key() = default;
  };

 public:
  // Keeps at most `cached_bytes_limit` bytes of released buffers for reuse.
  static std::shared_ptr<HostBufferPool> create(std::size_t cached_bytes_limit) {
    return std::make_shared<HostBufferPool>(Key{}, cached_bytes_limit);
  }
  HostBufferPool(Key, std::size_t cached_bytes_limit) : limit_(cached_bytes_limit) {}
  ~HostBufferPool();
  HostBufferPool(const HostBufferPool&) = delete;
  HostBufferPool& operator=(const HostBufferPool&) = delete;

  // The tensor's owner returns the buffer to the pool, which it keeps alive.
  DeviceTensor allocate(DType dtype, const Shape& shape);

 private:
  void* take(std::size_t& bytes);
  void give_back(void* memory, std::size_t bytes) noexcept;

  struct Cached {
    std::size_t bytes;
    void* memory;
  };
  std::mutex mutex_;
  std::list<Cached> cached_;  // most recently released first
  std::size_t cached_bytes_ = 0;
  std::size_t limit_;
};

template <class T>
T* data_of(const DeviceTensor& tensor) noexcept {
  return static_cast<T*>(tensor.data);
}

}  // namespace lrq::cpu
