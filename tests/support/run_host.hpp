// Runs the built lrq-host as a child process and captures what it prints, so tests see exactly
// what a user sees: exit code, standard output and standard error.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lrq::test {

class TempDir;

struct HostRun {
  int exit_code = -1;  // the process's exit status; 128 + N when killed by signal N
  std::string out;
  std::string err;
  std::uint64_t peak_memory_bytes = 0;  // the child's peak resident set (ru_maxrss)
};

using Environment = std::vector<std::pair<std::string, std::string>>;

struct HostRunOptions {
  Environment environment;  // added to (or replacing in) this process's environment
  std::optional<std::uint64_t> file_size_limit;  // RLIMIT_FSIZE in bytes: a "full disk"
};

// LRQ_TEST_HOST_BINARY started with `arguments`, passed as they are (no shell).
class HostProcess {
 public:
  HostProcess(const std::vector<std::string>& arguments, const HostRunOptions& options = {});
  ~HostProcess();  // waits if wait() was not called
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;

  int pid() const noexcept { return pid_; }
  HostRun wait();

 private:
  std::unique_ptr<TempDir> capture_;  // where the child's stdout and stderr go
  int pid_ = -1;
};

// Runs it to the end.
HostRun run_host(const std::vector<std::string>& arguments, const HostRunOptions& options = {});

}  // namespace lrq::test
