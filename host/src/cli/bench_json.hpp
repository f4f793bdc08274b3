// What `lrq-host bench --json` prints: one document of kind "bench".
#pragma once

#include <ostream>
#include <vector>

#include "cli/bench_run.hpp"
#include "cli/bench_table.hpp"

namespace lrq::host {

// {"workload": {"name", "path", "bytes"}, "arguments", "repeat", "io_floor", "backends":
// [{"backend", "available", "problem", "exit_code", "wall_seconds": {"median", "min", "max"},
// "peak_rss_bytes", "output_bytes", "runs": [{"wall_seconds", "peak_rss_bytes", "profile"}]}]}.
void print_bench_json(const BenchSummary& summary, const std::vector<BenchRun>& runs,
                      std::ostream& out);

}  // namespace lrq::host
