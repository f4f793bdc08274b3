// Follows a conversion through its progress callbacks and says where it stands at a given time,
// with an estimate of the time left. No clock of its own and no output: the display calls it
// under its lock.
//
// The estimate counts the quantized layers' work only: kept tensors are copied at disk speed, a
// small share of the time, while a quantized layer takes its backend time. A layer's work is
// counted half as one layer (each has a fixed cost: uploads, an SVD's setup, evaluation) and half
// by its weight's bytes, so neither a run of small layers nor one large layer skews it much.
// Time left = time since the first layer began × work left ÷ work done. There is none until a
// layer is converted and a second has passed: no estimate rests on a few tensors copied in the
// first milliseconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "cli/progress_line.hpp"
#include "pipeline/converter.hpp"

namespace lrq::host {

class ProgressTracker {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ProgressTracker(Clock::time_point start) : start_(start) {}

  void layer_started(const LayerStart& layer, Clock::time_point now);
  // True when it is a quantized layer's weight: that layer is converted and written.
  bool tensor_done(const LayerOutcome& tensor, std::size_t done, std::size_t total,
                   std::uint64_t bytes_done, std::uint64_t bytes_total);

  bool finished() const noexcept { return total_ > 0 && done_ == total_; }
  ProgressSnapshot snapshot(Clock::time_point now) const;

 private:
  struct Converting {
    std::string weight;
    std::size_t index = 0;
    Clock::time_point start;
  };

  Clock::time_point start_;
  std::optional<Clock::time_point> first_layer_start_;
  std::size_t done_ = 0;
  std::size_t total_ = 0;
  std::uint64_t bytes_done_ = 0;
  std::uint64_t bytes_total_ = 0;
  std::size_t layers_total_ = 0;
  std::uint64_t layer_bytes_total_ = 0;
  // Layers converted, seen from the conversion thread (those before the one that began last) and
  // from the writer (those written): the writer may be a layer behind.
  std::size_t layers_converted_ = 0;
  std::uint64_t layer_bytes_converted_ = 0;
  std::size_t layers_written_ = 0;
  std::uint64_t layer_bytes_written_ = 0;
  std::optional<Converting> converting_;
};

}  // namespace lrq::host
