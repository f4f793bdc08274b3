// Uploads run on the transfer stream; the compute stream must not read a tensor before its copy
// has landed. The tracker remembers, per device pointer, the event recorded after the copy, until
// the compute stream has been told to wait for it.
#pragma once

#include <cuda_runtime_api.h>

#include <mutex>
#include <unordered_map>

#include "cuda_resources.hpp"

namespace lrq::cuda {

class UploadTracker {
 public:
  // Called by the uploading thread once the copy into `data` is queued.
  void add(const void* data, Event copied);
  // Makes `stream` wait for the pending upload into `data`, if any; later calls for the same
  // pointer cost a map lookup.
  void wait(const void* data, cudaStream_t stream);
  // The same for memory about to be freed, where nothing can be thrown.
  void wait_noexcept(const void* data, cudaStream_t stream) noexcept;

 private:
  std::mutex mutex_;
  std::unordered_map<const void*, Event> pending_;
};

}  // namespace lrq::cuda
