// The one place where exceptions from plugin code are caught and turned into core errors, and where
// objects that came out of a plugin are tied to the plugin's library.
#pragma once

#include <string>
#include <utility>

#include "loaded_library.hpp"
#include "lrq/tensor.hpp"
#include "running_plugin.hpp"

namespace lrq::host {

// The message of the exception in flight: what() of a std::exception, else a fixed sentence.
// Only call from inside a catch block.
std::string describe_current_exception();

// Rethrows the exception in flight as an lrq::Error owned by core code. Errors of the plugin or
// internal category, std::exceptions and anything else are attributed to `library` ("plugin
// 'fp8' (/path/liblrq-format-fp8.so): ..."); recipe, input and unsupported errors are the user's
// and keep their text. Only call from inside a catch block.
[[noreturn]] void rethrow_as_plugin_error(const LoadedLibrary& library);

// Calls `call` as a call into `library`: a crash or exit() inside it names the plugin
// (running_plugin.hpp), and an exception leaves it as a core error.
template <class Call>
decltype(auto) guarded_call(const LoadedLibrary& library, Call&& call) {
  const PluginCall marked(library);
  try {
    return std::forward<Call>(call)();
  } catch (...) {
    rethrow_as_plugin_error(library);
  }
}

// The same tensor, whose owner now also keeps `library` loaded (the owner's deleter may be plugin
// code).
DeviceTensor pinned(DeviceTensor tensor, std::shared_ptr<const LoadedLibrary> library);

}  // namespace lrq::host
