#include "profile/conversion_profile.hpp"

#include <numeric>

namespace lrq::host {

double ConversionProfile::share(Stage stage) const {
  return wall_seconds > 0.0 ? stages.seconds_in(stage) / wall_seconds : 0.0;
}

double ConversionProfile::gemm_flops() const {
  return std::accumulate(stages.gemm_flops.begin(), stages.gemm_flops.end(), 0.0);
}

double ConversionProfile::rounding_tflops() const {
  const double seconds = stages.seconds_in(Stage::svd) + stages.seconds_in(Stage::optimize);
  const double flops = stages.gemm_flops_in(Stage::svd) + stages.gemm_flops_in(Stage::optimize);
  return seconds > 0.0 ? flops / seconds * 1e-12 : 0.0;
}

}  // namespace lrq::host
