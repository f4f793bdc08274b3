#include "pipeline/interrupt_cleanup.hpp"

#include <unistd.h>

#include <climits>
#include <csignal>
#include <cstring>

#include "lrq/error.hpp"

namespace lrq::host {
namespace {

constexpr std::array<int, 3> kSignals = {SIGINT, SIGTERM, SIGHUP};

// The handler may only use async-signal-safe calls, so the path lives in a plain buffer.
std::array<char, PATH_MAX + 1> armed_path{};
volatile std::sig_atomic_t armed = 0;
volatile std::sig_atomic_t erase_line = 0;

extern "C" void clean_up_and_reraise(int signal_number) {
  constexpr char kEraseLine[] = "\r\033[K";
  if (erase_line != 0 && write(STDERR_FILENO, kEraseLine, sizeof kEraseLine - 1) < 0) {
    // Nothing more can be done about standard error here.
  }
  if (armed != 0) unlink(armed_path.data());
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
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

InterruptCleanup::InterruptCleanup(const std::filesystem::path& temporary_file) {
  const std::string path = temporary_file.string();
  if (path.size() >= armed_path.size()) {
    throw Error(ErrorCategory::io, "path too long: " + path);
  }
  std::memcpy(armed_path.data(), path.c_str(), path.size() + 1);
  armed = 1;
  handler_.emplace();
}

InterruptCleanup::~InterruptCleanup() {
  handler_.reset();
  armed = 0;
}

InterruptErasesLine::InterruptErasesLine() {
  erase_line = 1;
}

InterruptErasesLine::~InterruptErasesLine() {
  erase_line = 0;
}

}  // namespace lrq::host
