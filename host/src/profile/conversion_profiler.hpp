// Profiling of one conversion: stage timing on, and the backend behind the profiling decorator.
// Make it before the conversion and read it after.
#pragma once

#include "lrq/backend.hpp"
#include "lrq/stages.hpp"
#include "profile/conversion_profile.hpp"
#include "profile/profiling_backend.hpp"

namespace lrq::host {

class ConversionProfiler {
 public:
  explicit ConversionProfiler(Backend& backend) : profiled_(backend) {}

  // The backend the conversion must use.
  Backend& backend() noexcept { return profiled_; }

  // The totals so far, with the process's peak resident set and the backend's peak device memory.
  ConversionProfile profile(double wall_seconds) const;

 private:
  StageProfiling stages_;
  ProfilingBackend profiled_;
};

}  // namespace lrq::host
