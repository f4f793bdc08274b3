#include "lrq/stages.hpp"

#include <atomic>
#include <chrono>

namespace lrq {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::array<std::string_view, kStageCount> kNames = {
    "read",     "upload",   "svd",  "optimize", "quantize", "bias_correction",
    "evaluate", "download", "write"};

std::atomic<bool> profiling{false};
std::array<std::atomic<std::int64_t>, kStageCount> nanoseconds{};
std::array<std::atomic<double>, kStageCount> flops{};

// The calling thread's innermost stage and when the time it has not yet been charged began.
struct ThreadStage {
  std::int8_t current = -1;
  Clock::time_point since;
};
thread_local ThreadStage this_thread;

// Charges the time since the last change to the current stage and starts counting anew.
void charge_current(Clock::time_point now) noexcept {
  if (this_thread.current >= 0 && profiling.load(std::memory_order_relaxed)) {
    nanoseconds[static_cast<std::size_t>(this_thread.current)].fetch_add(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - this_thread.since).count(),
        std::memory_order_relaxed);
  }
  this_thread.since = now;
}

}  // namespace

std::string_view stage_name(Stage stage) noexcept {
  return kNames[static_cast<std::size_t>(stage)];
}

StageProfiling::StageProfiling() noexcept {
  for (std::size_t i = 0; i < kStageCount; ++i) {
    nanoseconds[i].store(0, std::memory_order_relaxed);
    flops[i].store(0.0, std::memory_order_relaxed);
  }
  profiling.store(true, std::memory_order_release);
}

StageProfiling::~StageProfiling() {
  profiling.store(false, std::memory_order_release);
}

StageTotals StageProfiling::totals() const noexcept {
  StageTotals totals;
  for (std::size_t i = 0; i < kStageCount; ++i) {
    totals.seconds[i] = static_cast<double>(nanoseconds[i].load(std::memory_order_relaxed)) * 1e-9;
    totals.gemm_flops[i] = flops[i].load(std::memory_order_relaxed);
  }
  return totals;
}

StageScope::StageScope(Stage stage) noexcept {
  if (!profiling.load(std::memory_order_acquire)) return;
  recording_ = true;
  charge_current(Clock::now());
  previous_ = this_thread.current;
  this_thread.current = static_cast<std::int8_t>(stage);
}

StageScope::~StageScope() {
  if (!recording_) return;
  charge_current(Clock::now());
  this_thread.current = previous_;
}

void count_gemm_flops(double count) noexcept {
  if (this_thread.current < 0 || !profiling.load(std::memory_order_relaxed)) return;
  flops[static_cast<std::size_t>(this_thread.current)].fetch_add(count, std::memory_order_relaxed);
}

}  // namespace lrq
