#include "cuda_resources.hpp"

#include "cuda_check.hpp"

namespace lrq::cuda {

Stream make_stream() {
  cudaStream_t stream = nullptr;
  LRQ_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  return Stream(stream);
}

Event make_event() {
  cudaEvent_t event = nullptr;
  LRQ_CUDA_CHECK(cudaEventCreateWithFlags(&event, cudaEventDisableTiming));
  return Event(event);
}

PinnedMemory make_pinned(std::size_t bytes) {
  void* memory = nullptr;
  LRQ_CUDA_CHECK(cudaMallocHost(&memory, bytes));
  return PinnedMemory(static_cast<std::byte*>(memory));
}

void make_current(int device) {
  int current = -1;
  LRQ_CUDA_CHECK(cudaGetDevice(&current));
  if (current != device) LRQ_CUDA_CHECK(cudaSetDevice(device));
}

}  // namespace lrq::cuda
