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
  std::string workload;
  std::filesystem::path input;
  std::uint64_t input_bytes = 0;
  std::string arguments;  // what every run was given, e.g. "--format fp8 --optimizer original"
  IoFloor floor;
};

void print_bench(const BenchSummary& summary, const std::vector<BenchRun>& runs, std::ostream& out);

}  // namespace lrq::host
