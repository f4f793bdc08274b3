#include "upload_tracker.hpp"

#include "cuda_check.hpp"

namespace lrq::cuda {

void UploadTracker::add(const void* data, Event copied) {
  const std::lock_guard lock(mutex_);
  pending_.insert_or_assign(data, std::move(copied));
}

void UploadTracker::wait(const void* data, cudaStream_t stream) {
  if (data == nullptr) return;
  const std::lock_guard lock(mutex_);
  const auto found = pending_.find(data);
  if (found == pending_.end()) return;
  LRQ_CUDA_CHECK(cudaStreamWaitEvent(stream, found->second.get(), 0));
  pending_.erase(found);
}

void UploadTracker::wait_noexcept(const void* data, cudaStream_t stream) noexcept {
  if (data == nullptr) return;
  const std::lock_guard lock(mutex_);
  const auto found = pending_.find(data);
  if (found == pending_.end()) return;
  cudaStreamWaitEvent(stream, found->second.get(), 0);
  pending_.erase(found);
}

}  // namespace lrq::cuda
