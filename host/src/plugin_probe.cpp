#include "plugin_probe.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <span>
#include <thread>
#include <tuple>
#include <utility>

#include "factory_staging.hpp"
#include "library_loader.hpp"

namespace lrq::host {
namespace {

namespace fs = std::filesystem;

class Pipe {
 public:
  Pipe() {
    if (pipe2(ends_, O_CLOEXEC) != 0) ends_[0] = ends_[1] = -1;
  }
  ~Pipe() {
    close_end(ends_[0]);
    close_write_end();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  bool open() const noexcept { return ends_[0] >= 0; }
  int read_end() const noexcept { return ends_[0]; }
  int write_end() const noexcept { return ends_[1]; }
  void close_write_end() noexcept { close_end(ends_[1]); }

 private:
  static void close_end(int& end) {
    if (end >= 0) ::close(end);
    end = -1;
  }
  int ends_[2];
};

// A child loading the files [first, last) one after the other. After each file it writes one byte
// to `progress`: a plugin that calls exit(0) while loading also ends the child with status 0, so
// only the count of bytes tells how far it got.
struct Batch {
  std::size_t first = 0;
  std::size_t last = 0;
  std::optional<Pipe> progress;  // made just before the fork: no earlier child holds its write end
  pid_t pid = -1;
};

[[noreturn]] void load_in_child(std::span<const fs::path> files, const Pipe& progress) {
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  if (const int null = ::open("/dev/null", O_WRONLY); null >= 0) {
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
  }
  constexpr char kLoaded = 'y';
  for (const fs::path& file : files) {
    try {
      const OpenedPlugin plugin = open_plugin(file);
      stage_factories(plugin);
    } catch (...) {
      // Rejected with a reason; loading the file in the parent gives it again.
    }
    if (::write(progress.write_end(), &kLoaded, 1) != 1) _exit(1);
  }
  _exit(0);
}

void start(Batch& batch, const std::vector<fs::path>& files) {
  batch.progress.emplace();
  if (!batch.progress->open()) return;
  batch.pid = fork();
  if (batch.pid == 0) {
    load_in_child(std::span(files).subspan(batch.first, batch.last - batch.first), *batch.progress);
  }
  batch.progress->close_write_end();
}

// Reads until the child has ended (the end of the pipe).
std::size_t files_loaded(const Pipe& progress) {
  std::size_t count = 0;
  char buffer[256];
  for (;;) {
    const ssize_t got = ::read(progress.read_end(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return count;
    count += static_cast<std::size_t>(got);
  }
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 0;
  }
  return status;
}

std::string signal_text(int signal_number) {
  const char* abbreviation = sigabbrev_np(signal_number);
  return abbreviation ? std::string("SIG") + abbreviation
                      : "signal " + std::to_string(signal_number);
}

std::string reason(int status) {
  if (WIFSIGNALED(status)) return "crashed while loading: " + signal_text(WTERMSIG(status));
  return "exited with status " + std::to_string(WEXITSTATUS(status)) + " while loading";
}

}  // namespace

std::vector<std::string> probe_plugin_files(const std::vector<fs::path>& files) {
  std::vector<std::string> verdicts(files.size());
  // One child per core, each loading its share of the files in turn; after a file that ends its
  // child, another child goes on with the rest of that share.
  const std::size_t children = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1,
                                                       std::max<std::size_t>(files.size(), 1));
  using Range = std::pair<std::size_t, std::size_t>;
  std::vector<Range> pending;
  for (std::size_t child = 0; child < children; ++child) {
    const Range share{files.size() * child / children, files.size() * (child + 1) / children};
    if (share.first < share.second) pending.push_back(share);
  }
  while (!pending.empty()) {
    std::vector<Batch> batches(pending.size());
    for (std::size_t i = 0; i < batches.size(); ++i) {
      std::tie(batches[i].first, batches[i].last) = pending[i];
      start(batches[i], files);
    }
    pending.clear();
    for (Batch& batch : batches) {
      if (batch.pid < 0) continue;  // no child: loaded here unprobed
      const std::size_t failed = batch.first + files_loaded(*batch.progress);
      const int status = wait_for(batch.pid);
      if (failed >= batch.last) continue;
      verdicts[failed] = reason(status);
      if (failed + 1 < batch.last) pending.emplace_back(failed + 1, batch.last);
    }
  }
  return verdicts;
}

}  // namespace lrq::host
