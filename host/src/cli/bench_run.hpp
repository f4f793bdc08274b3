// One conversion of `lrq-host bench`: `lrq-host run --profile-json` on one backend, as a child
// process, measured from outside (wall time, peak resident set) and from inside (its profile).
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
  bool keep = false;                   // keep each run's output, report, profile and log
};

struct BenchRun {
  std::string backend;
  bool available = false;
  std::string problem;  // why it is not available, or why it failed; empty when it ran
  ChildOutcome child;
  ConversionProfile profile;
  std::uint64_t output_bytes = 0;
};

// Runs the conversion when the registry has the backend and it is available here; otherwise
// says why not. A failed run is reported in the result, not thrown.
BenchRun run_bench(const BenchSetup& setup, const PluginRegistry& registry,
                   const std::string& backend);

}  // namespace lrq::host
