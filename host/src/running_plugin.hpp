// Which plugin the calling thread is inside, for the handlers of fatal signals and of exit(): a
// crash or an exit() in plugin code can then say which plugin it was. Every guarded call marks
// itself with a PluginCall.
#pragma once

#include "loaded_library.hpp"

namespace lrq::host {

// Marks the calling thread as inside a call into `library` while it lives (calls nest: a plugin
// calling the backend), and gives the thread an alternate signal stack, so that the fatal-signal
// handler runs even when the plugin has overflowed its stack.
class PluginCall {
 public:
  explicit PluginCall(const LoadedLibrary& library) noexcept;
  ~PluginCall();
  PluginCall(const PluginCall&) = delete;
  PluginCall& operator=(const PluginCall&) = delete;

 private:
  const LoadedLibrary* outer_;
};

// The plugin the calling thread is inside, or null. Async-signal-safe.
const LoadedLibrary* running_plugin() noexcept;

}  // namespace lrq::host
