#include "signal_stack.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>

namespace lrq::host {
namespace {

// Room for the fatal-signal handler (a few writes and unlinks) and for the kernel's signal frame,
// which grows with the CPU's vector registers (_SC_MINSIGSTKSZ).
std::size_t stack_size() {
  constexpr long kHandlerBytes = 64 * 1024;
  return static_cast<std::size_t>(std::max(kHandlerBytes, 4 * sysconf(_SC_MINSIGSTKSZ)));
}

class SignalStack {
 public:
  SignalStack() {
    stack_t existing{};
    if (sigaltstack(nullptr, &existing) != 0 || (existing.ss_flags & SS_DISABLE) == 0) return;
    const std::size_t size = stack_size();
    try {
      memory_ = std::make_unique_for_overwrite<std::byte[]>(size);
    } catch (const std::bad_alloc&) {
      return;  // the handler then runs on the thread's own stack
    }
    stack_t stack{};
    stack.ss_sp = memory_.get();
    stack.ss_size = size;
    if (sigaltstack(&stack, nullptr) != 0) memory_.reset();
  }
  ~SignalStack() {
    if (!memory_) return;
    stack_t disabled{};
    disabled.ss_flags = SS_DISABLE;
    sigaltstack(&disabled, nullptr);
  }
  SignalStack(const SignalStack&) = delete;
  SignalStack& operator=(const SignalStack&) = delete;

 private:
  std::unique_ptr<std::byte[]> memory_;
};

}  // namespace

void ensure_signal_stack() noexcept {
  thread_local const SignalStack stack;
}

}  // namespace lrq::host
