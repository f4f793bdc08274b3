#include "lrq/log.hpp"

#include <atomic>
#include <iostream>
#include <mutex>
#include <string>

#include "lrq/quoted.hpp"

namespace lrq {
namespace {

int severity(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug:
      return 0;
    case LogLevel::info:
      return 1;
    case LogLevel::warning:
      return 2;
    case LogLevel::error:
      return 3;
  }
  return 3;
}

// Each line escaped: a message may quote text from a file that its author forgot to escape, and
// control bytes must not reach the terminal.
std::string escaped_lines(std::string_view message) {
  std::string text;
  text.reserve(message.size());
  std::size_t start = 0;
  while (true) {
    const std::size_t end = message.find('\n', start);
    text += escaped(message.substr(start, end - start));
    if (end == std::string_view::npos) return text;
    text += '\n';
    start = end + 1;
  }
}

std::atomic<int> threshold{severity(LogLevel::info)};
std::atomic<bool> erase_status_line{false};

}  // namespace

void log(LogLevel level, std::string_view message) {
  if (!log_enabled(level)) return;
  static std::mutex mutex;
  std::string line;
  if (erase_status_line.load()) line = "\r\033[K";
  if (level == LogLevel::debug) line += "debug: ";
  if (level == LogLevel::warning) line += "warning: ";
  if (level == LogLevel::error) line += "error: ";
  line += escaped_lines(message);
  line += '\n';
  const std::lock_guard lock(mutex);
  std::cerr << line << std::flush;
}

void set_log_threshold(LogLevel level) noexcept {
  threshold.store(severity(level));
}

bool log_enabled(LogLevel level) noexcept {
  return severity(level) >= threshold.load();
}

void set_log_erases_status_line(bool erase) noexcept {
  erase_status_line.store(erase);
}

}  // namespace lrq
