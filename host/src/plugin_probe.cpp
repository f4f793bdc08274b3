#include "plugin_probe.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "factory_staging.hpp"
#include "library_loader.hpp"

namespace lrq::host {
namespace {

// The child writes this byte once it has loaded the file: a plugin that calls exit(0) while
// loading also ends the child with status 0.
constexpr char kLoaded = 'y';

class Pipe {
 public:
  Pipe() {
    if (pipe2(ends_, O_CLOEXEC) != 0) ends_[0] = ends_[1] = -1;
  }
  ~Pipe() {
    close_read_end();
    close_write_end();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  bool open() const noexcept { return ends_[0] >= 0; }
  int read_end() const noexcept { return ends_[0]; }
  int write_end() const noexcept { return ends_[1]; }
  void close_read_end() noexcept { close_end(ends_[0]); }
  void close_write_end() noexcept { close_end(ends_[1]); }

 private:
  static void close_end(int& end) {
    if (end >= 0) ::close(end);
    end = -1;
  }
  int ends_[2];
};

struct Probe {
  std::optional<Pipe> verdict;  // made just before the fork: no earlier child holds its write end
  pid_t pid = -1;
};

[[noreturn]] void load_in_child(const std::filesystem::path& file, const Pipe& verdict) {
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  if (const int null = ::open("/dev/null", O_WRONLY); null >= 0) {
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
  }
  try {
    const OpenedPlugin plugin = open_plugin(file);
    stage_factories(plugin);
  } catch (...) {
    // Rejected with a reason; loading the file in the parent gives it again.
  }
  const ssize_t written = ::write(verdict.write_end(), &kLoaded, 1);
  _exit(written == 1 ? 0 : 1);
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 0;
  }
  return status;
}

bool child_loaded(const Pipe& verdict) {
  char byte = 0;
  ssize_t got = 0;
  do {
    got = ::read(verdict.read_end(), &byte, 1);
  } while (got < 0 && errno == EINTR);
  return got == 1 && byte == kLoaded;
}

std::string signal_text(int signal_number) {
  const char* abbreviation = sigabbrev_np(signal_number);
  return abbreviation ? std::string("SIG") + abbreviation
                      : "signal " + std::to_string(signal_number);
}

std::string verdict_of(Probe& probe) {
  const int status = wait_for(probe.pid);
  if (child_loaded(*probe.verdict)) return {};
  if (WIFSIGNALED(status)) return "crashed while loading: " + signal_text(WTERMSIG(status));
  if (WIFEXITED(status)) {
    return "exited with status " + std::to_string(WEXITSTATUS(status)) + " while loading";
  }
  return {};
}

}  // namespace

std::vector<std::string> probe_plugin_files(const std::vector<std::filesystem::path>& files) {
  std::vector<Probe> probes(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    Probe& probe = probes[i];
    probe.verdict.emplace();
    if (!probe.verdict->open()) continue;
    probe.pid = fork();
    if (probe.pid == 0) load_in_child(files[i], *probe.verdict);
    probe.verdict->close_write_end();
  }
  std::vector<std::string> verdicts(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (probes[i].pid > 0) verdicts[i] = verdict_of(probes[i]);
  }
  return verdicts;
}

}  // namespace lrq::host
