// Logging shared by the host and plugins: one line on standard error per message.
#pragma once

#include <string_view>

namespace lrq {

enum class LogLevel { info, warning, error };

// "warning: ..." / "error: ..." (info messages have no prefix); thread-safe.
void log(LogLevel level, std::string_view message);

}  // namespace lrq
