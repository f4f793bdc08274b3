#include "pipeline/interrupt_cleanup.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "pipeline/watched_mapping.hpp"
#include "running_plugin.hpp"
#include "signal_stack.hpp"

namespace lrq::host {
namespace {

constexpr std::array<int, 3> kInterrupts = {SIGINT, SIGTERM, SIGHUP};
constexpr std::array<int, 5> kCrashes = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};

// A plugin's exit() is a plugin failure (README: exit codes).
constexpr int kPluginFailureStatus = 5;

// The handlers may only use async-signal-safe calls, so the paths live in a plain buffer, each
// ended by a NUL, the last by two. It changes only while `armed` is false. Crashes come on any
// thread, hence atomics; only the process that armed the paths removes them (a plugin probe's
// child, plugin_probe.hpp, inherits them).
std::vector<char> armed_paths;
std::atomic<bool> armed{false};
std::atomic<pid_t> arming_process{0};
std::atomic<bool> erase_line{false};

void write_text(std::string_view text) {
  while (!text.empty()) {
    const ssize_t written = write(STDERR_FILENO, text.data(), text.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // nothing more can be done about standard error here
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

void erase_status_line() {
  if (erase_line.load()) write_text("\r\033[K");
}

// Whether there were files to remove.
bool remove_armed_files() {
  if (!armed.load() || arming_process.load() != getpid()) return false;
  const char* path = armed_paths.data();
  const bool any = *path != '\0';
  for (; *path != '\0'; path += std::strlen(path) + 1) {
    if (unlink(path) != 0) rmdir(path);  // a directory, emptied by the paths before it
  }
  return any;
}

std::string_view crash_name(int signal_number) {
  switch (signal_number) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    case SIGILL:
      return "SIGILL";
    case SIGFPE:
      return "SIGFPE";
    case SIGABRT:
      return "SIGABRT";
    default:
      return "a fatal signal";
  }
}

void write_plugin(const LoadedLibrary& plugin) {
  write_text("plugin '");
  write_text(plugin.name);
  write_text("' (");
  write_text(plugin.path.native());
  write_text(")");
}

void write_removed_note(bool removed) {
  write_text(removed ? "; the unfinished output was removed\n" : "\n");
}

extern "C" void clean_up_and_reraise(int signal_number) {
  erase_status_line();
  remove_armed_files();
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

// One line on what crashed, e.g. "error: plugin 'fp8' (/path/liblrq-format-fp8.so) crashed with
// SIGSEGV during a call; the unfinished output was removed".
extern "C" void report_crash_and_reraise(int signal_number, siginfo_t* info, void*) {
  erase_status_line();
  const bool removed = remove_armed_files();
  const std::string_view signal_name = crash_name(signal_number);
  const char* input = signal_number == SIGBUS ? watched_file_at(info->si_addr) : nullptr;
  write_text("error: ");
  if (input) {
    write_text("input file '");
    write_text(input);
    write_text("' changed or was truncated while being read (SIGBUS)");
  } else if (const LoadedLibrary* plugin = running_plugin()) {
    write_plugin(*plugin);
    write_text(" crashed with ");
    write_text(signal_name);
    write_text(" during a call");
  } else if (signal_number == SIGBUS) {
    write_text(
        "bus error (SIGBUS): a memory-mapped file, most likely an input, changed or was "
        "truncated while being read");
  } else {
    write_text("internal error: lrq-host crashed with ");
    write_text(signal_name);
  }
  write_removed_note(removed);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

// exit() or quick_exit() from the host itself only removes the files; from inside a plugin call it
// also says so and exits with kPluginFailureStatus.
void clean_up_at_exit(std::string_view how) {
  const bool removed = remove_armed_files();
  const LoadedLibrary* plugin = running_plugin();
  if (!plugin) return;
  erase_status_line();
  write_text("error: ");
  write_plugin(*plugin);
  write_text(" called ");
  write_text(how);
  write_text(" during a call");
  write_removed_note(removed);
  _exit(kPluginFailureStatus);
}

extern "C" void clean_up_on_exit(int status, void*) {
  const std::string how = "exit(" + std::to_string(status) + ")";
  clean_up_at_exit(how);
}

extern "C" void clean_up_on_quick_exit() {
  clean_up_at_exit("quick_exit()");
}

void install_exit_handlers() {
  static const bool installed = [] {
    on_exit(&clean_up_on_exit, nullptr);
    at_quick_exit(&clean_up_on_quick_exit);
    return true;
  }();
  (void)installed;
}

void append_paths(const std::vector<std::filesystem::path>& files) {
  armed_paths.pop_back();  // the final NUL
  for (const std::filesystem::path& file : files) {
    const std::string& path = file.native();
    if (path.empty()) continue;  // it would end the list
    armed_paths.insert(armed_paths.end(), path.begin(), path.end());
    armed_paths.push_back('\0');
  }
  armed_paths.push_back('\0');
}

}  // namespace

InterruptsHeldBack::InterruptsHeldBack() {
  sigset_t held;
  sigemptyset(&held);
  for (int signal_number : kInterrupts)
    sigaddset(&held, signal_number);
  pthread_sigmask(SIG_BLOCK, &held, &previous_);
}

InterruptsHeldBack::~InterruptsHeldBack() {
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

InterruptHandler::InterruptHandler() {
  static_assert(std::tuple_size_v<decltype(previous_)> == kInterrupts.size() + kCrashes.size());
  ensure_signal_stack();
  install_exit_handlers();
  struct sigaction interrupt {};
  interrupt.sa_handler = &clean_up_and_reraise;
  sigemptyset(&interrupt.sa_mask);
  for (std::size_t i = 0; i < kInterrupts.size(); ++i)
    sigaction(kInterrupts[i], &interrupt, &previous_[i]);
  struct sigaction crash {};
  crash.sa_sigaction = &report_crash_and_reraise;
  crash.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&crash.sa_mask);
  for (std::size_t i = 0; i < kCrashes.size(); ++i)
    sigaction(kCrashes[i], &crash, &previous_[kInterrupts.size() + i]);
}

InterruptHandler::~InterruptHandler() {
  for (std::size_t i = 0; i < kInterrupts.size(); ++i)
    sigaction(kInterrupts[i], &previous_[i], nullptr);
  for (std::size_t i = 0; i < kCrashes.size(); ++i)
    sigaction(kCrashes[i], &previous_[kInterrupts.size() + i], nullptr);
}

InterruptCleanup::InterruptCleanup(const std::vector<std::filesystem::path>& files) {
  armed_paths.assign(1, '\0');
  append_paths(files);
  arming_process = getpid();
  armed = true;
  handler_.emplace();
}

InterruptCleanup::~InterruptCleanup() {
  handler_.reset();
  armed = false;
}

void InterruptCleanup::add(const std::vector<std::filesystem::path>& files) {
  armed = false;
  append_paths(files);
  armed = true;
}

InterruptErasesLine::InterruptErasesLine() {
  erase_line = true;
}

InterruptErasesLine::~InterruptErasesLine() {
  erase_line = false;
}

}  // namespace lrq::host
