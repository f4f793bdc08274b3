#include "guard.hpp"

#include <exception>

#include "lrq/error.hpp"

namespace lrq::host {

namespace {

std::string attribution(const LoadedLibrary& library) {
  return "plugin '" + library.name + "' (" + library.path.string() + "): ";
}

bool is_plugins_fault(ErrorCategory category) {
  return category == ErrorCategory::plugin || category == ErrorCategory::internal;
}

// Declared library first so that the plugin's owner, and with it the plugin's deleter, goes first.
struct PinnedOwner {
  std::shared_ptr<const LoadedLibrary> library;
  std::shared_ptr<void> owner;
};

}  // namespace

std::string describe_current_exception() {
  try {
    throw;
  } catch (const std::exception& error) {
    return error.what();
  } catch (...) {
    return "a non-standard exception";
  }
}

void rethrow_as_plugin_error(const LoadedLibrary& library) {
  // A fresh core Error, never the plugin's object: its type may be derived in the plugin.
  try {
    throw;
  } catch (const Error& error) {
    if (!is_plugins_fault(error.category())) throw Error(error.category(), error.what());
    throw Error(error.category(), attribution(library) + error.what());
  } catch (const std::exception& error) {
    throw Error(ErrorCategory::plugin, attribution(library) + error.what());
  } catch (...) {
    throw Error(ErrorCategory::plugin, attribution(library) + "threw a non-standard exception");
  }
}

DeviceTensor pinned(DeviceTensor tensor, std::shared_ptr<const LoadedLibrary> library) {
  tensor.owner = std::make_shared<PinnedOwner>(PinnedOwner{std::move(library), tensor.owner});
  return tensor;
}

}  // namespace lrq::host
