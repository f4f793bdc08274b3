#include "cli/terminal_progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

#include "cli/text_table.hpp"

namespace lrq::host {
namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

std::string format_duration(double seconds) {
  const auto whole = static_cast<long long>(seconds + 0.5);
  if (whole < 60) return std::to_string(whole) + "s";
  return std::to_string(whole / 60) + "m" + std::to_string(whole % 60) + "s";
}

}  // namespace

TerminalProgress::TerminalProgress()
    : enabled_(isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()) {}

TerminalProgress::~TerminalProgress() {
  if (enabled_) std::fputs("\r\033[K", stderr);
}

void TerminalProgress::tensor_done(const LayerOutcome& tensor, std::size_t done, std::size_t total,
                                   std::uint64_t bytes_done, std::uint64_t bytes_total) {
  const auto now = std::chrono::steady_clock::now();
  if (!enabled_ || (now - last_draw_ < kRedrawInterval && done < total)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double fraction =
      bytes_total > 0 ? static_cast<double>(bytes_done) / static_cast<double>(bytes_total) : 1.0;
  const std::string eta =
      fraction > 0.0 ? format_duration(elapsed * (1.0 - fraction) / fraction) : "?";
  const std::string line = "[" + std::to_string(done) + "/" + std::to_string(total) + "] " +
                           format_bytes(bytes_done) + " of " + format_bytes(bytes_total) + ", " +
                           eta + " left  " + printable(tensor.tensor.name);
  std::fprintf(stderr, "\r\033[K%s", line.substr(0, 120).c_str());
  std::fflush(stderr);
}

}  // namespace lrq::host
