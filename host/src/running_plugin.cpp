#include "running_plugin.hpp"

#include <atomic>

#include "signal_stack.hpp"

namespace lrq::host {
namespace {

// Read by a signal handler on the same thread: lock-free, so never seen half-written.
thread_local std::atomic<const LoadedLibrary*> current{nullptr};
static_assert(std::atomic<const LoadedLibrary*>::is_always_lock_free);

}  // namespace

PluginCall::PluginCall(const LoadedLibrary& library) noexcept
    : outer_(current.load(std::memory_order_relaxed)) {
  ensure_signal_stack();
  current.store(&library, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

PluginCall::~PluginCall() {
  std::atomic_signal_fence(std::memory_order_seq_cst);
  current.store(outer_, std::memory_order_relaxed);
}

const LoadedLibrary* running_plugin() noexcept {
  return current.load(std::memory_order_relaxed);
}

}  // namespace lrq::host
