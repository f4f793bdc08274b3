#include "pipeline/first_failure.hpp"

namespace lrq::host {

void FirstFailure::record(std::exception_ptr error) noexcept {
  {
    const std::lock_guard lock(mutex_);
    if (!first_) first_ = std::move(error);
  }
  stop_.request_stop();
}

void FirstFailure::rethrow() const {
  const std::lock_guard lock(mutex_);
  if (first_) std::rethrow_exception(first_);
}

}  // namespace lrq::host
