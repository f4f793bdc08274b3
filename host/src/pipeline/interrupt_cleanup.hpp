// While an InterruptCleanup lives, SIGINT, SIGTERM and SIGHUP first remove the files it was given
// (the outputs being written) and then end the process as the signal would have: an interrupted
// run leaves nothing behind either.
#pragma once

#include <signal.h>

#include <filesystem>
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

class InterruptCleanup {
 public:
  explicit InterruptCleanup(const std::vector<std::filesystem::path>& files);
  ~InterruptCleanup();
  // Removes these too from now on (the committed shards of a sharded output, until its index is
  // written).
  void add(const std::vector<std::filesystem::path>& files);
  InterruptCleanup(const InterruptCleanup&) = delete;
  InterruptCleanup& operator=(const InterruptCleanup&) = delete;
};

}  // namespace lrq::host
