#include "support/run_host.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "support/raw_safetensors.hpp"
#include "support/temp_dir.hpp"

extern char** environ;

namespace lrq::test {
namespace {

std::vector<std::string> merged_environment(const Environment& additions) {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const std::string name = text.substr(0, text.find('='));
    bool replaced = false;
    for (const auto& addition : additions)
      replaced = replaced || addition.first == name;
    if (!replaced) entries.push_back(text);
  }
  for (const auto& [key, value] : additions)
    entries.push_back(key + "=" + value);
  return entries;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& text : strings)
    pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

// Between fork and exec only async-signal-safe calls: everything is prepared beforehand.
[[noreturn]] void exec_child(const char* out_path, const char* err_path, char** argv, char** envp,
                             const std::optional<std::uint64_t>& file_size_limit) {
  const int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0 || err < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
    _exit(126);
  if (file_size_limit) {
    const rlimit limit{*file_size_limit, *file_size_limit};
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(126);
  }
  execve(argv[0], argv, envp);
  _exit(127);
}

}  // namespace

HostProcess::HostProcess(const std::vector<std::string>& arguments, const HostRunOptions& options)
    : capture_(std::make_unique<TempDir>()) {
  const std::string out_path = capture_->file("stdout").string();
  const std::string err_path = capture_->file("stderr").string();
  std::vector<std::string> argv_strings = {LRQ_TEST_HOST_BINARY};
  argv_strings.insert(argv_strings.end(), arguments.begin(), arguments.end());
  std::vector<std::string> env_strings = merged_environment(options.environment);
  std::vector<char*> argv = c_strings(argv_strings);
  std::vector<char*> envp = c_strings(env_strings);

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    exec_child(out_path.c_str(), err_path.c_str(), argv.data(), envp.data(),
               options.file_size_limit);
  }
}

HostProcess::~HostProcess() {
  if (pid_ > 0) wait();
}

HostRun HostProcess::wait() {
  int status = 0;
  struct rusage usage {};
  while (wait4(pid_, &status, 0, &usage) < 0) {
    if (errno != EINTR) throw std::runtime_error("wait4 failed");
  }
  pid_ = -1;
  HostRun run;
  run.peak_memory_bytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // kB on Linux
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = read_file(capture_->file("stdout"));
  run.err = read_file(capture_->file("stderr"));
  return run;
}

HostRun run_host(const std::vector<std::string>& arguments, const HostRunOptions& options) {
  return HostProcess(arguments, options).wait();
}

}  // namespace lrq::test
