#include "pipeline/interrupt_cleanup.hpp"

#include <unistd.h>

#include <csignal>
#include <cstring>
#include <string>

namespace lrq::host {
namespace {

constexpr std::array<int, 3> kSignals = {SIGINT, SIGTERM, SIGHUP};

// The handler may only use async-signal-safe calls, so the paths live in a plain buffer, each
// ended by a NUL, the last by two. It changes only while `armed` is 0.
std::vector<char> armed_paths;
volatile std::sig_atomic_t armed = 0;
volatile std::sig_atomic_t erase_line = 0;

extern "C" void clean_up_and_reraise(int signal_number) {
  constexpr char kEraseLine[] = "\r\033[K";
  if (erase_line != 0 && write(STDERR_FILENO, kEraseLine, sizeof kEraseLine - 1) < 0) {
    // Nothing more can be done about standard error here.
  }
  if (armed != 0) {
    for (const char* path = armed_paths.data(); *path != '\0'; path += std::strlen(path) + 1) {
      if (unlink(path) != 0) rmdir(path);  // a directory, emptied by the paths before it
    }
  }
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
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
  for (int signal_number : kSignals)
    sigaddset(&held, signal_number);
  pthread_sigmask(SIG_BLOCK, &held, &previous_);
}

InterruptsHeldBack::~InterruptsHeldBack() {
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

InterruptHandler::InterruptHandler() {
  struct sigaction action {};
  action.sa_handler = &clean_up_and_reraise;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < kSignals.size(); ++i)
    sigaction(kSignals[i], &action, &previous_[i]);
}

InterruptHandler::~InterruptHandler() {
  for (std::size_t i = 0; i < kSignals.size(); ++i)
    sigaction(kSignals[i], &previous_[i], nullptr);
}

InterruptCleanup::InterruptCleanup(const std::vector<std::filesystem::path>& files) {
  armed_paths.assign(1, '\0');
  append_paths(files);
  armed = 1;
  handler_.emplace();
}

InterruptCleanup::~InterruptCleanup() {
  handler_.reset();
  armed = 0;
}

void InterruptCleanup::add(const std::vector<std::filesystem::path>& files) {
  armed = 0;
  append_paths(files);
  armed = 1;
}

InterruptErasesLine::InterruptErasesLine() {
  erase_line = 1;
}

InterruptErasesLine::~InterruptErasesLine() {
  erase_line = 0;
}

}  // namespace lrq::host
