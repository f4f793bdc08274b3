// Runs a command as a child process and measures it from outside: wall time, and peak resident set
// from the resource usage wait4 returns.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace lrq::host {

struct ChildOutcome {
  int exit_code = -1;  // 128 + N when a signal N ended it
  double wall_seconds = 0.0;
  std::uint64_t peak_rss_bytes = 0;
};

// `program` with `arguments` (no shell), standard output and error both into `log`. Throws
// lrq::Error (io) when it cannot be started.
ChildOutcome run_child(const std::filesystem::path& program,
                       const std::vector<std::string>& arguments, const std::filesystem::path& log);

}  // namespace lrq::host
