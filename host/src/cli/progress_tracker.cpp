#include "cli/progress_tracker.hpp"

#include <algorithm>

#include "pipeline/layer_routing.hpp"

namespace lrq::host {
namespace {

constexpr std::chrono::seconds kMinTimeForEstimate{1};

double seconds_between(ProgressTracker::Clock::time_point from,
                       ProgressTracker::Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// The share of the quantization work done: half by layers, half by weight bytes.
double work_done(std::size_t layers, std::size_t layers_total, std::uint64_t bytes,
                 std::uint64_t bytes_total) {
  if (layers_total == 0 || bytes_total == 0) return 0.0;
  const double by_layers = static_cast<double>(layers) / static_cast<double>(layers_total);
  const double by_bytes = static_cast<double>(bytes) / static_cast<double>(bytes_total);
  return std::min(1.0, (by_layers + by_bytes) / 2.0);
}

}  // namespace

void ProgressTracker::layer_started(const LayerStart& layer, Clock::time_point now) {
  if (!first_layer_start_) first_layer_start_ = now;
  layers_total_ = layer.count;
  layer_bytes_total_ = layer.bytes_total;
  layers_converted_ = layer.index;
  layer_bytes_converted_ = layer.bytes_before;
  converting_ = Converting{layer.weight.name, layer.index, now};
}

bool ProgressTracker::tensor_done(const LayerOutcome& tensor, std::size_t done, std::size_t total,
                                  std::uint64_t bytes_done, std::uint64_t bytes_total) {
  done_ = done;
  total_ = total;
  bytes_done_ = bytes_done;
  bytes_total_ = bytes_total;
  if (tensor.action != LayerAction::quantize) return false;
  ++layers_written_;
  layer_bytes_written_ += tensor.tensor.bytes();
  if (converting_ && converting_->weight == tensor.tensor.name) converting_.reset();
  return true;
}

ProgressSnapshot ProgressTracker::snapshot(Clock::time_point now) const {
  ProgressSnapshot snapshot;
  snapshot.elapsed = seconds_between(start_, now);
  snapshot.bytes_done = bytes_done_;
  snapshot.bytes_total = bytes_total_;
  snapshot.layers_done = std::max(layers_converted_, layers_written_);
  snapshot.layers_total = layers_total_;
  if (converting_) {
    snapshot.converting =
        ProgressSnapshot::Layer{layer_name(converting_->weight), converting_->index + 1,
                                seconds_between(converting_->start, now)};
  }
  const double done =
      work_done(snapshot.layers_done, snapshot.layers_total,
                std::max(layer_bytes_converted_, layer_bytes_written_), layer_bytes_total_);
  if (finished()) {
    snapshot.seconds_left = 0.0;
  } else if (first_layer_start_ && done > 0.0 && now - *first_layer_start_ >= kMinTimeForEstimate) {
    snapshot.seconds_left = seconds_between(*first_layer_start_, now) * (1.0 - done) / done;
  }
  return snapshot;
}

}  // namespace lrq::host
