// The progress of `run` on standard error. The conversion tells it of layers and tensors; a timer
// thread of its own redraws it in between, so that it moves during a slow layer too.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "cli/progress_tracker.hpp"
#include "pipeline/converter.hpp"
#include "pipeline/interrupt_cleanup.hpp"

namespace lrq::host {

enum class ProgressStyle {
  bar,    // one line redrawn in place four times a second, fitted to the terminal's width
  lines,  // plain lines for logs, see ProgressDisplay
};

class ProgressDisplay final : public ConversionProgress {
 public:
  // With lines: a line when a quantized layer is written or, during a slow layer, when `interval`
  // passed, but at most one per `interval` (one per layer with 0); and a last one at the end if
  // there were any.
  ProgressDisplay(ProgressStyle style, std::chrono::milliseconds interval);
  ~ProgressDisplay() override;  // erases the bar; Ctrl-C erases it too
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  void layer_started(const LayerStart& layer) override;
  void tensor_done(const LayerOutcome& tensor, std::size_t done, std::size_t total,
                   std::uint64_t bytes_done, std::uint64_t bytes_total) override;

 private:
  using Clock = ProgressTracker::Clock;

  void run_timer(std::stop_token stop);
  void draw_bar(Clock::time_point now);
  void print_line(Clock::time_point now);

  const ProgressStyle style_;
  const std::chrono::milliseconds interval_;
  std::optional<InterruptErasesLine> interrupt_erases_line_;
  std::mutex mutex_;
  ProgressTracker tracker_;
  Clock::time_point last_line_;
  bool lines_printed_ = false;
  bool bar_drawn_ = false;
  std::condition_variable_any timer_wake_;
  std::jthread timer_;  // last: it uses everything above
};

// Of standard error's terminal, else $COLUMNS, else 80.
std::size_t terminal_columns();

}  // namespace lrq::host
