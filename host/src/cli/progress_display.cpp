#include "cli/progress_display.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "lrq/log.hpp"

namespace lrq::host {
namespace {

constexpr std::chrono::milliseconds kBarRedraw{250};
constexpr std::string_view kEraseLine = "\r\033[K";

// One write() where the terminal takes it whole, so that a log message never lands inside a line.
void write_to_stderr(std::string_view text) {
  while (!text.empty()) {
    const ssize_t written = write(STDERR_FILENO, text.data(), text.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

std::size_t terminal_columns() {
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* variable = std::getenv("COLUMNS")) {
    std::size_t columns = 0;
    const char* end = variable + std::strlen(variable);
    const auto [next, error] = std::from_chars(variable, end, columns);
    if (error == std::errc() && next == end && columns > 0) return columns;
  }
  return 80;
}

ProgressDisplay::ProgressDisplay(ProgressStyle style, std::chrono::milliseconds interval)
    : style_(style), interval_(interval), tracker_(Clock::now()), last_line_(Clock::now()) {
  if (style_ == ProgressStyle::bar) {
    interrupt_erases_line_.emplace();
    set_log_erases_status_line(true);
  }
  if (style_ == ProgressStyle::bar || interval_.count() > 0) {
    // The timer thread inherits a mask that holds interrupts back: they go to the conversion's
    // threads, whose cleanup is armed while they hold them back.
    const InterruptsHeldBack held_back;
    timer_ = std::jthread([this](std::stop_token stop) { run_timer(std::move(stop)); });
  }
}

ProgressDisplay::~ProgressDisplay() {
  if (timer_.joinable()) {
    timer_.request_stop();
    timer_.join();
  }
  if (style_ == ProgressStyle::bar) {
    set_log_erases_status_line(false);
    if (bar_drawn_) write_to_stderr(kEraseLine);
  }
}

void ProgressDisplay::layer_started(const LayerStart& layer) {
  const std::lock_guard lock(mutex_);
  tracker_.layer_started(layer, Clock::now());
}

void ProgressDisplay::tensor_done(const LayerOutcome& tensor, std::size_t done, std::size_t total,
                                  std::uint64_t bytes_done, std::uint64_t bytes_total) {
  const std::lock_guard lock(mutex_);
  const bool layer_written = tracker_.tensor_done(tensor, done, total, bytes_done, bytes_total);
  if (style_ != ProgressStyle::lines) return;
  const Clock::time_point now = Clock::now();
  if (layer_written && now - last_line_ >= interval_) {
    print_line(now);
  } else if (tracker_.finished() && lines_printed_) {
    print_line(now);
  }
}

void ProgressDisplay::run_timer(std::stop_token stop) {
  const auto never = [] { return false; };
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    if (style_ == ProgressStyle::bar) {
      timer_wake_.wait_for(lock, stop, kBarRedraw, never);
      if (!stop.stop_requested()) draw_bar(Clock::now());
    } else if (tracker_.finished()) {
      timer_wake_.wait(lock, stop, never);
    } else {
      // An interval after the last line, whether this thread or a written layer printed it.
      timer_wake_.wait_until(lock, stop, last_line_ + interval_, never);
      const Clock::time_point now = Clock::now();
      if (!stop.stop_requested() && !tracker_.finished() && now - last_line_ >= interval_) {
        print_line(now);
      }
    }
  }
}

void ProgressDisplay::draw_bar(Clock::time_point now) {
  write_to_stderr("\r" + render_progress_bar(tracker_.snapshot(now), terminal_columns()) +
                  "\033[K");
  bar_drawn_ = true;
}

void ProgressDisplay::print_line(Clock::time_point now) {
  write_to_stderr(render_progress_log_line(tracker_.snapshot(now)) + "\n");
  last_line_ = now;
  lines_printed_ = true;
}

}  // namespace lrq::host
