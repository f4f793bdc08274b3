// Owning handles for CUDA streams, events and pinned host memory.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <memory>

namespace lrq::cuda {

struct StreamDeleter {
  void operator()(cudaStream_t stream) const noexcept { cudaStreamDestroy(stream); }
};
using Stream = std::unique_ptr<CUstream_st, StreamDeleter>;

struct EventDeleter {
  // An event destroyed before the device reached it is released once it completes.
  void operator()(cudaEvent_t event) const noexcept { cudaEventDestroy(event); }
};
using Event = std::unique_ptr<CUevent_st, EventDeleter>;

struct PinnedDeleter {
  void operator()(std::byte* memory) const noexcept { cudaFreeHost(memory); }
};
using PinnedMemory = std::unique_ptr<std::byte[], PinnedDeleter>;

// A stream that does not synchronize with the legacy default stream.
Stream make_stream();
// An event without timing, the cheapest kind to record and wait for.
Event make_event();
PinnedMemory make_pinned(std::size_t bytes);

// The runtime's current device is per host thread; every entry point of a backend makes its own
// device current first, since the upload thread is not the thread that created the backend.
void make_current(int device);

}  // namespace lrq::cuda
