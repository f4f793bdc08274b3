// A layer's activation statistics on their way to the conversion: read and checked from the file
// and uploaded (on the prefetch thread, with the weight), then assembled into the dense second
// moment H on the backend (on the conversion's thread).
#pragma once

#include <cstdint>
#include <vector>

#include "lrq/activation_stats.hpp"
#include "lrq/backend.hpp"
#include "lrq/optimizer.hpp"

namespace lrq::host {

// One layer of a statistics file; empty when the layer has none.
struct StatisticsSource {
  const ActivationStats* file = nullptr;
  const LayerInputStats* layer = nullptr;

  explicit operator bool() const noexcept { return layer != nullptr; }
};

struct FetchedStatistics {
  DeviceTensor stored;    // the gram (dense form) or the factor (compact form), as stored
  DeviceTensor residual;  // compact form: F32 [K], what the factor leaves of the diagonal
  std::vector<float> diagonal;
  std::vector<float> mean;
  std::int64_t count = 0;
};

// Checks the layer's values (throws lrq::Error naming the file and tensor), reads and uploads.
FetchedStatistics fetch_statistics(Backend& backend, const StatisticsSource& source);

// H [K, K] F32 on the backend: the gram, or F Fᵀ + diag(residual).
InputStatistics assemble_statistics(Backend& backend, const FetchedStatistics& fetched);

}  // namespace lrq::host
