#include "lrq/log.hpp"

#include <iostream>
#include <mutex>
#include <string>

namespace lrq {
namespace {

struct LogState {
  std::mutex mutex;
  LogSink sink;
  LogLevel level = LogLevel::info;
};

LogState& state() {
  static LogState instance;
  return instance;
}

void write_to_stderr(LogLevel level, std::string_view message) {
  switch (level) {
    case LogLevel::debug:
      std::cerr << "debug: ";
      break;
    case LogLevel::info:
      break;
    case LogLevel::warning:
      std::cerr << "warning: ";
      break;
    case LogLevel::error:
      std::cerr << "error: ";
      break;
  }
  std::cerr << message << '\n';
}

}  // namespace

void log(LogLevel level, std::string_view message) {
  LogState& s = state();
  std::lock_guard lock(s.mutex);
  if (level < s.level) return;
  if (s.sink) {
    s.sink(level, message);
  } else {
    write_to_stderr(level, message);
  }
}

void set_log_sink(LogSink sink) {
  LogState& s = state();
  std::lock_guard lock(s.mutex);
  s.sink = std::move(sink);
}

void set_log_level(LogLevel level) {
  LogState& s = state();
  std::lock_guard lock(s.mutex);
  s.level = level;
}

}  // namespace lrq
