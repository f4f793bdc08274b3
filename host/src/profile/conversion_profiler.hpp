// Profiling of one conversion: stage timing on, and each backend behind the profiling decorator.
// Make it before the conversion and read it after.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "lrq/backend.hpp"
#include "lrq/stages.hpp"
#include "profile/conversion_profile.hpp"
#include "profile/profiling_backend.hpp"

namespace lrq::host {

class ConversionProfiler {
 public:
  explicit ConversionProfiler(std::span<Backend* const> backends);

  // The backends the conversion must use, in the order given.
  std::span<Backend* const> backends() const noexcept { return pointers_; }

  // The totals so far, with the process's peak resident set and the backends' peak device memory
  // (summed over the backends: each peak is its own, so the sum is an upper bound).
  ConversionProfile profile(double wall_seconds) const;

 private:
  StageProfiling stages_;
  std::vector<std::unique_ptr<ProfilingBackend>> profiled_;
  std::vector<Backend*> pointers_;
};

}  // namespace lrq::host
