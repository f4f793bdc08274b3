#include "lrq/log.hpp"

#include <iostream>
#include <mutex>
#include <string>

namespace lrq {

void log(LogLevel level, std::string_view message) {
  static std::mutex mutex;
  std::string line;
  if (level == LogLevel::warning) line = "warning: ";
  if (level == LogLevel::error) line = "error: ";
  line += message;
  line += '\n';
  const std::lock_guard lock(mutex);
  std::cerr << line << std::flush;
}

}  // namespace lrq
