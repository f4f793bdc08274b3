// Where a conversion spends its time, stage by stage, for `lrq-host run --profile`. The host turns
// profiling on for a run; code anywhere (the host, plugins) marks what it is doing with a
// StageScope. Each thread has its own current stage, and the innermost scope gets the time: a
// download inside the optimizer counts as download, not optimize. Without profiling a scope costs
// one relaxed atomic load.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lrq {

enum class Stage : std::uint8_t {
  read,             // input bytes from the memory map
  upload,           // host to device, and the weight's conversion to F32
  svd,              // the singular subspace of learned rounding
  optimize,         // the optimizer, but its SVD
  quantize,         // the format: scales (prepare) and storage codes (encode)
  bias_correction,  // the corrected biases
  evaluate,         // the report's errors
  download,         // device to host
  write,            // the output file, fsync included
};
inline constexpr std::size_t kStageCount = 9;

// "read", ..., "bias_correction", ...: stable keys, for JSON.
std::string_view stage_name(Stage stage) noexcept;

struct StageTotals {
  std::array<double, kStageCount> seconds{};  // summed over threads
  std::array<double, kStageCount> gemm_flops{};

  double seconds_in(Stage stage) const noexcept { return seconds[static_cast<std::size_t>(stage)]; }
  double gemm_flops_in(Stage stage) const noexcept {
    return gemm_flops[static_cast<std::size_t>(stage)];
  }
};

// Profiling is on while one of these lives, with totals starting at zero. One at a time; make it
// before the threads it should see and destroy it after they have ended.
class StageProfiling {
 public:
  StageProfiling() noexcept;
  ~StageProfiling();
  StageProfiling(const StageProfiling&) = delete;
  StageProfiling& operator=(const StageProfiling&) = delete;

  StageTotals totals() const noexcept;
};

// The calling thread is in `stage` while this lives.
class StageScope {
 public:
  explicit StageScope(Stage stage) noexcept;
  ~StageScope();
  StageScope(const StageScope&) = delete;
  StageScope& operator=(const StageScope&) = delete;

 private:
  std::int8_t previous_ = -1;  // the enclosing stage, -1 for none
  bool recording_ = false;
};

// Adds a matrix product's floating-point operations (2·m·n·k) to the calling thread's current
// stage; nothing without profiling or outside every stage.
void count_gemm_flops(double flops) noexcept;

}  // namespace lrq
