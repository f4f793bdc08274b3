// What `lrq-host bench` prints: the workload, the I/O floor, and the runs side by side.
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "cli/bench_run.hpp"
#include "profile/io_floor.hpp"

namespace lrq::host {

struct BenchSummary {
  std::string workload;  // the generated model's name, or empty for the user's checkpoint
  std::filesystem::path input;
  std::uint64_t input_bytes = 0;
  std::vector<std::string> arguments;  // what every run was given: --format fp8 --optimizer ...
  int repeat = 1;
  IoFloor floor;
};

// The workload, the I/O floor, then per backend the median wall time, its range and the stages of
// the median run.
void print_bench(const BenchSummary& summary, const std::vector<BenchRun>& runs, std::ostream& out);

}  // namespace lrq::host
