// While an InterruptCleanup lives, SIGINT, SIGTERM and SIGHUP first remove the files it was given
// (the outputs being written; a directory after the files in it) and then end the process as the
// signal would have: an interrupted run leaves nothing behind either. While an InterruptErasesLine
// lives, they first erase the status line on standard error (a progress bar), so that the shell's
// prompt starts on a clean line.
//
// A crash is handled the same way: the fatal signals SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT
// remove the files, print one line that says what crashed, and end the process as the signal
// would (exit status 128 + N). The line names the plugin the crashing thread was calling
// (running_plugin.hpp); for a SIGBUS at an address in a mapped input file (watched_mapping.hpp),
// it says that the file changed or was truncated while being read. A plugin that calls exit() or
// quick_exit() during a call removes the files too, and the process exits with status 5 (plugin
// error), whatever status the plugin gave: a plugin's exit(0) must not pass for a finished run.
#pragma once

#include <signal.h>

#include <array>
#include <filesystem>
#include <optional>
#include <vector>

namespace lrq::host {

// Holds SIGINT, SIGTERM and SIGHUP back (they stay pending) while it lives: create the temporary
// file and its InterruptCleanup under one, so that no signal falls between the two.
class InterruptsHeldBack {
 public:
  InterruptsHeldBack();
  ~InterruptsHeldBack();
  InterruptsHeldBack(const InterruptsHeldBack&) = delete;
  InterruptsHeldBack& operator=(const InterruptsHeldBack&) = delete;

 private:
  sigset_t previous_;
};

// The handler that does the above for SIGINT, SIGTERM, SIGHUP and the fatal signals while it
// lives; the previous handlers come back after. The exit handler, once installed, stays.
class InterruptHandler {
 public:
  InterruptHandler();
  ~InterruptHandler();
  InterruptHandler(const InterruptHandler&) = delete;
  InterruptHandler& operator=(const InterruptHandler&) = delete;

 private:
  std::array<struct sigaction, 8> previous_{};  // the interrupts', then the crashes'
};

class InterruptCleanup {
 public:
  explicit InterruptCleanup(const std::vector<std::filesystem::path>& files);
  ~InterruptCleanup();
  // Removes these too from now on (the committed shards of a sharded output, until its index is
  // written).
  void add(const std::vector<std::filesystem::path>& files);
  InterruptCleanup(const InterruptCleanup&) = delete;
  InterruptCleanup& operator=(const InterruptCleanup&) = delete;

 private:
  std::optional<InterruptHandler> handler_;  // installed once the paths are armed
};

class InterruptErasesLine {
 public:
  InterruptErasesLine();
  ~InterruptErasesLine();
  InterruptErasesLine(const InterruptErasesLine&) = delete;
  InterruptErasesLine& operator=(const InterruptErasesLine&) = delete;

 private:
  InterruptHandler handler_;
};

}  // namespace lrq::host
