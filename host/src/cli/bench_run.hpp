// The conversions of `lrq-host bench` on one backend: `lrq-host run --profile-json`, repeated, each
// a child process measured from outside (wall time, peak resident set) and from inside (its
// profile).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "plugin_registry.hpp"
#include "profile/child_process.hpp"
#include "profile/conversion_profile.hpp"

namespace lrq::host {

struct BenchSetup {
  std::filesystem::path host;          // the lrq-host executable
  std::filesystem::path work;          // where outputs, profiles and logs go
  std::filesystem::path recipe;        // a minimal recipe; the arguments name the rest
  std::filesystem::path input;         // the workload
  std::vector<std::string> arguments;  // for every run: --format, --optimizer, --set, ...
  int repeat = 1;                      // conversions per backend
  bool keep = false;                   // keep the last run's output, report, profile and log
};

// One conversion that succeeded.
struct BenchRepeat {
  ChildOutcome child;
  ConversionProfile profile;
};

// The median and the range of a measurement over the repeats.
struct Spread {
  double median = 0.0;
  double min = 0.0;
  double max = 0.0;
};

struct BenchRun {
  std::string backend;
  bool available = false;
  std::string problem;  // why it is not available, or why it failed; empty when it ran
  int exit_code = 0;    // of the run that failed
  std::vector<BenchRepeat> repeats;
  std::uint64_t output_bytes = 0;

  bool succeeded() const noexcept { return available && problem.empty(); }
  Spread wall_seconds() const;
  // The repeat of the median wall time (the faster of the two middle ones for an even count).
  const BenchRepeat& median_repeat() const;
  std::uint64_t peak_rss_bytes() const;  // the most of any repeat
};

// Runs the conversion setup.repeat times when the registry has the backend and it is available
// here; otherwise says why not. A failed run ends the repeats and is reported in the result, not
// thrown.
BenchRun run_bench(const BenchSetup& setup, const PluginRegistry& registry,
                   const std::string& backend);

}  // namespace lrq::host
