// A one-line progress display with an estimate of the time left, redrawn on standard error when
// it is a terminal (nothing otherwise, so logs and pipes stay clean).
#pragma once

#include <chrono>

#include "pipeline/converter.hpp"

namespace lrq::host {

class TerminalProgress final : public ConversionProgress {
 public:
  TerminalProgress();
  ~TerminalProgress() override;  // clears the line
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  void tensor_done(const LayerOutcome& tensor, std::size_t done, std::size_t total,
                   std::uint64_t bytes_done, std::uint64_t bytes_total) override;

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace lrq::host
