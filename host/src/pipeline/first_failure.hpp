// The first exception thrown on any thread of a conversion. Recording it requests the stop that
// every queue of the run waits on, so no thread keeps waiting for one that has given up.
#pragma once

#include <exception>
#include <mutex>
#include <stop_token>
#include <utility>

namespace lrq::host {

class FirstFailure {
 public:
  std::stop_token stop_token() const noexcept { return stop_.get_token(); }
  bool stopped() const noexcept { return stop_.stop_requested(); }

  // Stops the run without a failure (it is being abandoned).
  void stop() noexcept { stop_.request_stop(); }

  // Keeps `error` if it is the first, and stops the run.
  void record(std::exception_ptr error) noexcept;

  // Runs `body`, recording what it throws: the whole of a worker thread.
  template <class Body>
  void run(Body&& body) noexcept {
    try {
      std::forward<Body>(body)();
    } catch (...) {
      record(std::current_exception());
    }
  }

  // Throws the first exception recorded, if any.
  void rethrow() const;

 private:
  std::stop_source stop_;
  mutable std::mutex mutex_;
  std::exception_ptr first_;
};

}  // namespace lrq::host
