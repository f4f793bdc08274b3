// Logging shared by the host and plugins: one line on standard error per message at or above the
// threshold the host sets from its command line (--quiet, --verbose, --log-level).
#pragma once

#include <string_view>

namespace lrq {

// By severity: debug < info < warning < error. (debug came later: the values of the others are
// those of earlier versions.)
enum class LogLevel { info, warning, error, debug };

// "debug: ..." / "warning: ..." / "error: ..." (info messages have no prefix); thread-safe.
// Messages below the threshold are dropped.
void log(LogLevel level, std::string_view message);

// info unless set.
void set_log_threshold(LogLevel threshold) noexcept;
// Whether a message of `level` would be written; spares building a debug message for nothing.
bool log_enabled(LogLevel level) noexcept;

// While a status line is redrawn in place on standard error (a progress bar), each message first
// erases it ("\r\033[K"); the display draws it again below.
void set_log_erases_status_line(bool erase) noexcept;

}  // namespace lrq
