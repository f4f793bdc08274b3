// What `lrq-host run --profile` measures of one conversion.
#pragma once

#include <cstdint>
#include <string>

#include "lrq/stages.hpp"

namespace lrq::host {

struct ConversionProfile {
  std::string backend;  // the plugin's name: "cpu"
  std::string device;   // what it ran on: "host CPU, 16 threads"
  double wall_seconds = 0.0;
  StageTotals stages;
  std::uint64_t peak_rss_bytes = 0;
  std::uint64_t peak_device_bytes = 0;  // 0 for a backend that computes in host memory

  // A stage's seconds over the wall time; the stages of the prefetch and writer threads overlap
  // the others, so the shares may add up to more than 1.
  double share(Stage stage) const;
  double gemm_flops() const;  // over every stage
  // GEMM FLOPs per second of the learned-rounding stages (svd and optimize), in TFLOP/s.
  double rounding_tflops() const;
};

}  // namespace lrq::host
