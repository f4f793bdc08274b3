// Logging shared by the host and plugins (the state lives in liblrq_core).
#pragma once

#include <functional>
#include <string_view>

namespace lrq {

enum class LogLevel { debug, info, warning, error };

using LogSink = std::function<void(LogLevel, std::string_view)>;

void log(LogLevel level, std::string_view message);
void set_log_sink(LogSink sink);     // default: "warning: ..." / "error: ..." lines on stderr
void set_log_level(LogLevel level);  // messages below it are dropped; default info

}  // namespace lrq
