#include "profile/conversion_profiler.hpp"

#include "profile/peak_rss.hpp"

namespace lrq::host {

ConversionProfiler::ConversionProfiler(std::span<Backend* const> backends) {
  for (Backend* backend : backends) {
    profiled_.push_back(std::make_unique<ProfilingBackend>(*backend));
    pointers_.push_back(profiled_.back().get());
  }
}

ConversionProfile ConversionProfiler::profile(double wall_seconds) const {
  const BackendInfo info = profiled_.front()->info();
  std::uint64_t peak_device_bytes = 0;
  for (const std::unique_ptr<ProfilingBackend>& backend : profiled_)
    peak_device_bytes += backend->info().peak_device_bytes;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return {info.name,        info.device,           wall_seconds,
          stages_.totals(), peak_rss_bytes(usage), peak_device_bytes};
}

}  // namespace lrq::host
