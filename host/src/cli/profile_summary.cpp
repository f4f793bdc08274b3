#include "cli/profile_summary.hpp"

#include <algorithm>

#include "cli/text_table.hpp"

namespace lrq::host {

std::string stage_title(Stage stage) {
  std::string title(stage_name(stage));
  std::replace(title.begin(), title.end(), '_', ' ');
  return title;
}

void print_profile(const ConversionProfile& profile, std::ostream& out) {
  out << "\nprofile: " << format_fixed(profile.wall_seconds, 3) << " s wall, " << profile.backend
      << ": " << profile.device << '\n';
  TextTable table({"stage", "seconds", "of wall", "GEMM GFLOP"});
  for (std::size_t i = 0; i < kStageCount; ++i) {
    const auto stage = static_cast<Stage>(i);
    const double flops = profile.stages.gemm_flops_in(stage);
    table.add({stage_title(stage), format_fixed(profile.stages.seconds_in(stage), 3),
               format_fixed(100.0 * profile.share(stage), 1) + "%",
               flops > 0.0 ? format_fixed(flops * 1e-9, 2) : ""});
  }
  table.print(out);
  out << "  GEMM: " << format_fixed(profile.gemm_flops() * 1e-9, 2)
      << " GFLOP in all; svd + optimize at " << format_fixed(profile.rounding_tflops(), 3)
      << " TFLOP/s\n  peak host RSS " << format_bytes(profile.peak_rss_bytes)
      << ", peak device memory " << format_bytes(profile.peak_device_bytes)
      << "\n  read, upload and write run on the prefetch and writer threads, alongside the other "
         "stages:\n  the shares may add up to more than 100%.\n";
}

}  // namespace lrq::host
