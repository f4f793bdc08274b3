#include "profile/conversion_profiler.hpp"

#include "profile/peak_rss.hpp"

namespace lrq::host {

ConversionProfile ConversionProfiler::profile(double wall_seconds) const {
  const BackendInfo info = profiled_.info();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return {info.name,        info.device,           wall_seconds,
          stages_.totals(), peak_rss_bytes(usage), info.peak_device_bytes};
}

}  // namespace lrq::host
